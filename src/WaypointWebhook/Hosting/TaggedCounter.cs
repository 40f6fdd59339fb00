using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace WaypointWebhook.Hosting;

/// <summary>
/// A counter aggregated in process and published as an <see cref="ObservableCounter{T}"/>: recording
/// is a dictionary lookup and an interlocked add, and the exporter reads the totals only when scraped.
/// (prometheus-net's meter adapter spends microseconds per <see cref="Counter{T}"/> measurement, on
/// the request path.) Tag values are few and bounded: endpoints, kinds, operations, verdicts, reasons.
/// </summary>
public sealed class TaggedCounter
{
    private readonly string[] tagNames;
    private readonly ConcurrentDictionary<Key, StrongBox> totals = new();

    public TaggedCounter(Meter meter, string name, string description, params string[] tagNames)
    {
        this.tagNames = tagNames;
        meter.CreateObservableCounter(name, Observe, description: description);
    }

    public void Add(string? a = null, string? b = null, string? c = null, string? d = null, string? e = null) =>
        Interlocked.Increment(ref totals.GetOrAdd(new Key(a, b, c, d, e), static _ => new StrongBox()).Value);

    private IEnumerable<Measurement<long>> Observe()
    {
        foreach (var (key, total) in totals)
        {
            var values = new[] { key.A, key.B, key.C, key.D, key.E };
            var tags = new KeyValuePair<string, object?>[tagNames.Length];
            for (var i = 0; i < tagNames.Length; i++)
            {
                tags[i] = new KeyValuePair<string, object?>(tagNames[i], values[i]);
            }

            yield return new Measurement<long>(Interlocked.Read(ref total.Value), tags);
        }
    }

    private readonly record struct Key(string? A, string? B, string? C, string? D, string? E);

    private sealed class StrongBox
    {
        public long Value;
    }
}
