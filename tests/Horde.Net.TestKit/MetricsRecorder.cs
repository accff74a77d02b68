using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Horde.Net.TestKit;

/// <summary>
/// Records what the Horde.Net instruments measure while it lives, as an OpenTelemetry reader would see it: counter and
/// histogram measurements as they happen, observable instruments when <see cref="Collect"/> polls them. With a meter
/// factory it listens only to that factory's meters, so tests running side by side do not see each other's.
/// </summary>
public sealed class MetricsRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Name, double Value, Dictionary<string, object?> Tags)> _measurements = new();

    public MetricsRecorder(IMeterFactory? scope = null)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name.StartsWith("Horde.Net", StringComparison.Ordinal) && (scope is null || instrument.Meter.Scope == scope))
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Add(i, v, tags));
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(i, v, tags));
        _listener.Start();
    }

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
        _measurements.Enqueue((instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value)));

    /// <summary>Polls the observable instruments once (a reader's collection).</summary>
    public void Collect() => _listener.RecordObservableInstruments();

    /// <summary>The measurements of <paramref name="instrument"/> whose tags include all of <paramref name="tags"/>, oldest first.</summary>
    public IReadOnlyList<double> Values(string instrument, params (string Key, object Value)[] tags) =>
        [.. _measurements.Where(m => m.Name == instrument && tags.All(t => m.Tags.TryGetValue(t.Key, out var v) && Equals(v, t.Value))).Select(m => m.Value)];

    /// <summary>The latest measurement (an observable instrument's value at the last <see cref="Collect"/>), or null.</summary>
    public double? Last(string instrument, params (string Key, object Value)[] tags) =>
        Values(instrument, tags) is [.., var last] ? last : null;

    /// <summary>The sum of the measurements (a counter's total since the recorder started).</summary>
    public double Sum(string instrument, params (string Key, object Value)[] tags) => Values(instrument, tags).Sum();

    public void Dispose() => _listener.Dispose();
}
