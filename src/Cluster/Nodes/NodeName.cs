using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Horde.Net.Cluster;

/// <summary>
/// The name of a node, <c>name@host:port</c> (for example <c>count1@127.0.0.1:4000</c>).
/// The host and port are where the node serves its transport; the name part tells
/// nodes on the same host apart and is what logs and dashboards show. It binds from configuration as text.
/// </summary>
[TypeConverter(typeof(NodeNameConverter))]
public readonly record struct NodeName : IComparable<NodeName>
{
    private NodeName(string name, string host, int port)
    {
        Name = name;
        Host = host;
        Port = port;
    }

    /// <summary>The part before <c>@</c>.</summary>
    public string Name { get; }

    /// <summary>The host (DNS name, IPv4 or IPv6 address without brackets) the node listens on.</summary>
    public string Host { get; }

    /// <summary>The TCP port the node listens on.</summary>
    public int Port { get; }

    /// <summary>Creates a node name from its parts, validating each.</summary>
    /// <exception cref="ArgumentException">A part is empty, contains a separator, or the port is out of range.</exception>
    public static NodeName Create(string name, string host, int port)
    {
        if (string.IsNullOrWhiteSpace(name) || name.AsSpan().IndexOfAny('@', ':', '/') >= 0 || name.AsSpan().ContainsAny(" \t\r\n"))
            throw new ArgumentException($"Node name part '{name}' must be non-empty and contain no '@', ':', '/' or white space.", nameof(name));
        if (string.IsNullOrWhiteSpace(host) || host.AsSpan().IndexOfAny('@', '/', ' ') >= 0)
            throw new ArgumentException($"Node host '{host}' must be non-empty and contain no '@', '/' or spaces.", nameof(host));
        if (port is < 1 or > 65535)
            throw new ArgumentException($"Node port {port} must be between 1 and 65535.", nameof(port));
        return new NodeName(name, host, port);
    }

    /// <summary>Parses <c>name@host:port</c>; an IPv6 host is written in brackets, <c>a@[::1]:4000</c>.</summary>
    /// <exception cref="FormatException">The text is not a valid node name.</exception>
    public static NodeName Parse(string text) =>
        TryParse(text, out var node, out var error) ? node : throw new FormatException(error);

    /// <summary>Parses <c>name@host:port</c> without throwing.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out NodeName node) => TryParse(text, out node, out _);

    private static bool TryParse(string? text, out NodeName node, out string error)
    {
        node = default;
        error = $"'{text}' is not a node name; expected name@host:port, for example count1@127.0.0.1:4000.";
        if (string.IsNullOrEmpty(text))
            return false;
        var at = text.IndexOf('@');
        var colon = text.LastIndexOf(':');
        if (at <= 0 || colon < at + 2 || colon == text.Length - 1)
            return false;
        var host = text[(at + 1)..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
            host = host[1..^1];
        else if (host.Contains(':'))
            return false;
        if (!int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
            return false;
        try
        {
            node = Create(text[..at], host, port);
            return true;
        }
        catch (ArgumentException e)
        {
            error = $"'{text}' is not a node name: {e.Message}";
            return false;
        }
    }

    /// <summary>True for the default value, which names no node.</summary>
    public bool IsEmpty => Name is null;

    /// <inheritdoc />
    public int CompareTo(NodeName other) => string.CompareOrdinal(ToString(), other.ToString());

    /// <summary><c>name@host:port</c>, with an IPv6 host in brackets.</summary>
    public override string ToString() =>
        IsEmpty ? "" : Host.Contains(':') ? $"{Name}@[{Host}]:{Port}" : $"{Name}@{Host}:{Port}";
}
