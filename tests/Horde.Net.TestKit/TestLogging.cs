using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Horde.Net.TestKit;

/// <summary>Collects log lines, with their event ids, so tests can assert that a refusal was logged with its reason.</summary>
public sealed class TestLogging : ILoggerFactory, ILoggerProvider
{
    public static readonly TestLogging Factory = new();

    private readonly ConcurrentQueue<string> _lines = new();
    private readonly ConcurrentQueue<(int EventId, string Line)> _events = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public bool Contains(string text) => _lines.Any(line => line.Contains(text, StringComparison.OrdinalIgnoreCase));

    /// <summary>Whether an event with <paramref name="eventId"/> was logged whose line contains every one of <paramref name="texts"/>.</summary>
    public bool Has(int eventId, params string[] texts) =>
        _events.Any(e => e.EventId == eventId && texts.All(t => e.Line.Contains(t, StringComparison.OrdinalIgnoreCase)));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class Logger(TestLogging owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
                return;
            var line = $"{logLevel} {category}: {formatter(state, exception)}";
            owner._lines.Enqueue(line);
            if (eventId.Id != 0)
                owner._events.Enqueue((eventId.Id, line));
        }
    }
}
