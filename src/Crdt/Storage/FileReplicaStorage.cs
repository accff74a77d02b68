using MessagePack;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Horde.Net.Crdt.Storage;

/// <summary>
/// Keeps a replica's snapshot in one file. Writes happen on a background task: the newest queued snapshot is
/// encoded to a temporary file, flushed to disk (fsync), renamed over the old file, and the directory flushed, so
/// a crash leaves either the old or the new snapshot, never a torn one. Snapshots queued while a write runs are
/// coalesced to the newest, and a deferred snapshot (<see cref="Save(Func{ReplicaSnapshot})"/>) is also encoded
/// there, off the replica's thread. A snapshot that cannot be read is moved aside (logged) and the replica starts
/// empty, to be repaired by its neighbours.
/// </summary>
public sealed class FileReplicaStorage : IReplicaStorage, IDisposable
{
    private static readonly MessagePackSerializerOptions Options = MessagePackSerializerOptions.Standard
        .WithSecurity(MessagePackSecurity.UntrustedData)
        .WithCompression(MessagePackCompression.Lz4BlockArray);

    private readonly Lock _lock = new();
    private readonly string _path;
    private readonly ILogger _logger;
    private Func<ReplicaSnapshot>? _pending;
    private Task _writer = Task.CompletedTask;
    private Exception? _failure;

    /// <summary>Stores snapshots at <paramref name="path"/> (its directory is created if missing).</summary>
    /// <param name="path">The snapshot file.</param>
    /// <param name="logger">Logs snapshots found corrupt.</param>
    public FileReplicaStorage(string path, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _path = Path.GetFullPath(path);
        _logger = logger ?? NullLogger.Instance;
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
    }

    /// <summary>Snapshots written so far (coalesced ones are not counted).</summary>
    public int Writes { get; private set; }

    /// <inheritdoc />
    public ReplicaSnapshot? Load()
    {
        if (!File.Exists(_path))
        {
            return null;
        }

        try
        {
            return MessagePackSerializer.Deserialize<ReplicaSnapshot>(File.ReadAllBytes(_path), Options)
                ?? throw new InvalidDataException("The file holds no snapshot.");
        }
        catch (Exception e) when (e is MessagePackSerializationException or InvalidDataException or EndOfStreamException)
        {
            var aside = $"{_path}.corrupt-{DateTime.UtcNow:yyyyMMddTHHmmssfff}";
            File.Move(_path, aside, overwrite: true);
            _logger.LogError(e, "The replica snapshot {Path} is unreadable; moved it to {Aside} and starting empty", _path, aside);
            return null;
        }
    }

    /// <inheritdoc />
    public void Save(ReplicaSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        Save(() => snapshot);
    }

    /// <inheritdoc />
    public void Save(Func<ReplicaSnapshot> encode)
    {
        ArgumentNullException.ThrowIfNull(encode);
        lock (_lock)
        {
            var idle = _pending is null;
            _pending = encode;
            if (idle)
            {
                _writer = _writer.ContinueWith(_ => WritePending(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            }
        }
    }

    /// <inheritdoc />
    public void Flush()
    {
        Task writer;
        lock (_lock)
        {
            writer = _writer;
        }

        writer.GetAwaiter().GetResult();
        if (_failure is { } failure)
        {
            throw new IOException($"Writing the replica snapshot to {_path} failed.", failure);
        }
    }

    /// <summary>Waits for queued writes.</summary>
    public void Dispose() => Flush();

    private void WritePending()
    {
        Func<ReplicaSnapshot>? encode;
        lock (_lock)
        {
            encode = _pending;
            _pending = null;
        }

        if (encode is null)
        {
            return;
        }

        try
        {
            var snapshot = encode();
            var temp = _path + ".tmp";
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                MessagePackSerializer.Serialize(stream, snapshot, Options);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, _path, overwrite: true);
            DirectorySync.Flush(Path.GetDirectoryName(_path)!);
            Writes++;
            _failure = null;
        }
        catch (IOException e)
        {
            _failure = e;
        }
        catch (UnauthorizedAccessException e)
        {
            _failure = e;
        }
    }
}
