using System.Security.Cryptography;
using System.Text;

namespace Horde.Net.Cluster.Transport;

/// <summary>
/// Challenge–response over the shared cookie: each side proves it knows the cookie with an HMAC-SHA256 over both
/// nonces and both identities, labelled by role so that one side's proof can never be replayed as the other's.
/// The cookie never crosses the wire.
/// </summary>
internal sealed class CookieProof(string cookie)
{
    public const int NonceBytes = 32;
    private readonly byte[] _key = SHA256.HashData(Encoding.UTF8.GetBytes(cookie));

    public static byte[] NewNonce() => RandomNumberGenerator.GetBytes(NonceBytes);

    public byte[] Prove(string role, ReadOnlySpan<byte> dialerNonce, ReadOnlySpan<byte> listenerNonce, string dialer, ulong dialerIncarnation, string listener, ulong listenerIncarnation)
    {
        var text = Encoding.UTF8.GetBytes($"horde/1|{role}|{dialer}|{dialerIncarnation}|{listener}|{listenerIncarnation}|");
        var message = new byte[text.Length + dialerNonce.Length + listenerNonce.Length];
        text.CopyTo(message, 0);
        dialerNonce.CopyTo(message.AsSpan(text.Length));
        listenerNonce.CopyTo(message.AsSpan(text.Length + dialerNonce.Length));
        return HMACSHA256.HashData(_key, message);
    }

    public static bool Matches(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual) =>
        CryptographicOperations.FixedTimeEquals(expected, actual);
}
