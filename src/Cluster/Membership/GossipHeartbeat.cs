using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Horde.Net.Cluster.Membership;

/// <summary>
/// The gossip heartbeat on the wire: <c>"HGS1"</c>, a mode byte, then either, in clear, the body, or,
/// sealed, a 12-byte nonce, a 16-byte AES-GCM tag and the encrypted body (the first five bytes are
/// authenticated too). The body is the sender's clock (Unix milliseconds, big-endian) and its node name in UTF-8.
/// </summary>
internal sealed class GossipHeartbeat : IDisposable
{
    public const int MaxPacketSize = 512;
    private const int HeaderSize = 5;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const byte Clear = 0;
    private const byte Sealed = 1;
    private static readonly byte[] s_magic = "HGS1"u8.ToArray();
    private readonly AesGcm? _aes;
    // AesGcm keeps one native cipher context: the send loop and the receive loop must not use it at once.
    private readonly Lock _aesLock = new();

    public GossipHeartbeat(string? secret)
    {
        if (string.IsNullOrEmpty(secret))
            return;
        // A key derived from the secret, so a short shared phrase still gives a full-size key.
        var key = HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret), 32, info: "horde.net gossip heartbeat v1"u8.ToArray());
        _aes = new AesGcm(key, TagSize);
    }

    public void Dispose() => _aes?.Dispose();

    public byte[] Encode(NodeName node, DateTimeOffset now)
    {
        var name = Encoding.UTF8.GetBytes(node.ToString());
        var body = new byte[8 + name.Length];
        BinaryPrimitives.WriteInt64BigEndian(body, now.ToUnixTimeMilliseconds());
        name.CopyTo(body, 8);
        if (_aes is null)
            return [.. s_magic, Clear, .. body];
        var packet = new byte[HeaderSize + NonceSize + TagSize + body.Length];
        s_magic.CopyTo(packet, 0);
        packet[4] = Sealed;
        var nonce = packet.AsSpan(HeaderSize, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        lock (_aesLock)
            _aes.Encrypt(nonce, body, packet.AsSpan(HeaderSize + NonceSize + TagSize), packet.AsSpan(HeaderSize + NonceSize, TagSize), packet.AsSpan(0, HeaderSize));
        return packet;
    }

    /// <summary>Reads a heartbeat; false with a reason for anything this node must ignore.</summary>
    public bool TryDecode(ReadOnlySpan<byte> packet, out NodeName node, out DateTimeOffset sentAt, out string reason)
    {
        node = default;
        sentAt = default;
        if (packet.Length < HeaderSize + 8 || packet.Length > MaxPacketSize || !packet[..4].SequenceEqual(s_magic))
            return Fail("not a Horde.Net heartbeat", out reason);
        Span<byte> body = stackalloc byte[MaxPacketSize];
        switch (packet[4])
        {
            case Clear when _aes is null:
                packet[HeaderSize..].CopyTo(body);
                body = body[..(packet.Length - HeaderSize)];
                break;
            case Clear:
                return Fail("unsealed heartbeat, but this node requires the shared secret", out reason);
            case Sealed when _aes is null:
                return Fail("sealed heartbeat, but this node has no secret configured", out reason);
            case Sealed:
                if (packet.Length < HeaderSize + NonceSize + TagSize + 8)
                    return Fail("sealed heartbeat too short", out reason);
                body = body[..(packet.Length - HeaderSize - NonceSize - TagSize)];
                try
                {
                    lock (_aesLock)
                        _aes.Decrypt(packet.Slice(HeaderSize, NonceSize), packet[(HeaderSize + NonceSize + TagSize)..],
                            packet.Slice(HeaderSize + NonceSize, TagSize), body, packet[..HeaderSize]);
                }
                catch (AuthenticationTagMismatchException)
                {
                    return Fail("sealed with another secret or altered", out reason);
                }
                break;
            default:
                return Fail("unknown heartbeat mode", out reason);
        }
        sentAt = DateTimeOffset.FromUnixTimeMilliseconds(Math.Clamp(BinaryPrimitives.ReadInt64BigEndian(body),
            DateTimeOffset.MinValue.ToUnixTimeMilliseconds(), DateTimeOffset.MaxValue.ToUnixTimeMilliseconds()));
        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(body[8..]);
        }
        catch (DecoderFallbackException)
        {
            return Fail("node name is not UTF-8", out reason);
        }
        if (!NodeName.TryParse(text, out node))
            return Fail("malformed node name", out reason);
        reason = "";
        return true;
    }

    public bool IsSealed => _aes is not null;

    private static bool Fail(string why, out string reason)
    {
        reason = why;
        return false;
    }
}
