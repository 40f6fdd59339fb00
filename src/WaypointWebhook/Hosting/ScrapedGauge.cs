using Prometheus;

namespace WaypointWebhook.Hosting;

/// <summary>
/// A gauge read from a snapshot when Prometheus scrapes, not kept up to date on the request path: the
/// callback lists the series as they are now, and a series it no longer lists leaves the scrape (a
/// resource with no objects any more, a certificate not loaded). The callback's label values must come
/// from a bounded set (the code's own names), never from a request.
/// </summary>
public sealed class ScrapedGauge
{
    private readonly Gauge gauge;
    private readonly Func<IEnumerable<(string[] Labels, double Value)>> read;
    private readonly bool labelled;
    private readonly Lock gate = new();
    private Dictionary<string, Gauge.Child> published = [];

    public ScrapedGauge(CollectorRegistry registry, string name, string help, string[] labelNames, Func<IEnumerable<(string[] Labels, double Value)>> read)
    {
        gauge = Metrics.WithCustomRegistry(registry).CreateGauge(name, help, new GaugeConfiguration { LabelNames = labelNames, SuppressInitialValue = true });
        this.read = read;
        labelled = labelNames.Length > 0;
        registry.AddBeforeCollectCallback(Update);
    }

    /// <summary>A gauge without labels: the value now, or null for no series.</summary>
    public ScrapedGauge(CollectorRegistry registry, string name, string help, Func<double?> read)
        : this(registry, name, help, [], () => read() is { } value ? [([], value)] : [])
    {
    }

    private void Update()
    {
        lock (gate)
        {
            if (labelled)
            {
                UpdateLabelled();
                return;
            }

            // Without labels: one value, or none (the series hidden until it has a value again).
            var value = read().Select(p => (double?)p.Value).FirstOrDefault();
            if (value is { } v)
            {
                gauge.Set(v);
                gauge.Publish();
            }
            else
            {
                gauge.Unpublish();
            }
        }
    }

    private void UpdateLabelled()
    {
        var current = new Dictionary<string, Gauge.Child>(published.Count, StringComparer.Ordinal);
        foreach (var (labels, value) in read())
        {
            var child = gauge.WithLabels(labels);
            child.Set(value);
            child.Publish();
            current[string.Join('\u0001', labels)] = child;
        }

        foreach (var (key, child) in published)
        {
            if (!current.ContainsKey(key))
            {
                child.Remove();
            }
        }

        published = current;
    }
}
