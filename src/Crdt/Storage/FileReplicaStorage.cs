using MessagePack;

namespace Horde.Net.Crdt.Storage;

/// <summary>
/// Keeps a replica's snapshot in one file. Writes happen on a background task: the newest queued snapshot is
/// encoded to a temporary file, flushed to disk (fsync), then renamed over the old file, so a crash leaves either
/// the old or the new snapshot, never a torn one. Snapshots queued while a write runs are coalesced to the newest.
/// </summary>
public sealed class FileReplicaStorage : IReplicaStorage, IDisposable
{
    private static readonly MessagePackSerializerOptions Options = MessagePackSerializerOptions.Standard
        .WithSecurity(MessagePackSecurity.UntrustedData)
        .WithCompression(MessagePackCompression.Lz4BlockArray);

    private readonly Lock _lock = new();
    private readonly string _path;
    private ReplicaSnapshot? _pending;
    private Task _writer = Task.CompletedTask;
    private Exception? _failure;

    /// <summary>Stores snapshots at <paramref name="path"/> (its directory is created if missing).</summary>
    public FileReplicaStorage(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _path = Path.GetFullPath(path);
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

        return MessagePackSerializer.Deserialize<ReplicaSnapshot>(File.ReadAllBytes(_path), Options);
    }

    /// <inheritdoc />
    public void Save(ReplicaSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        lock (_lock)
        {
            var idle = _pending is null;
            _pending = snapshot;
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
        ReplicaSnapshot? snapshot;
        lock (_lock)
        {
            snapshot = _pending;
            _pending = null;
        }

        if (snapshot is null)
        {
            return;
        }

        try
        {
            var temp = _path + ".tmp";
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                MessagePackSerializer.Serialize(stream, snapshot, Options);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, _path, overwrite: true);
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
