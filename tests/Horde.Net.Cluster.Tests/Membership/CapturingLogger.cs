using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Horde.Net.Cluster.Tests.Membership;

/// <summary>A logger that keeps every line, to check what is logged and how often.</summary>
internal sealed class CapturingLogger<T> : ILogger<T>
{
    private readonly ConcurrentQueue<(LogLevel Level, EventId Id, string Message)> _lines = new();

    public IReadOnlyList<(LogLevel Level, EventId Id, string Message)> Lines => [.. _lines];

    public int Count(int eventId) => _lines.Count(l => l.Id.Id == eventId);

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _lines.Enqueue((logLevel, eventId, formatter(state, exception)));
}
