using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Prometheus;
using WaypointWebhook.Admission;
using WaypointWebhook.Cluster;
using WaypointWebhook.Hosting;
using WaypointWebhook.Policy.Configuration;
using WaypointWebhook.Policy.Model;
using WaypointWebhook.Settings;
using WaypointWebhook.Testing;
using WaypointWebhook.Tests.Integration;
using static WaypointWebhook.Tests.Reviews;

namespace WaypointWebhook.Tests.Hosting;

/// <summary>The exported series of one <see cref="WebhookMetrics"/>, read from its own registry as <c>/metrics</c> answers.</summary>
public sealed class WebhookMetricsTests : IDisposable
{
    private readonly ServingCertificate certificate;
    private readonly TestCertificates certificates = new();
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero));

    public WebhookMetricsTests()
    {
        certificate = new ServingCertificate(certificates.CertificateFile, certificates.KeyFile);
        certificate.Load();
    }

    public void Dispose() => certificates.Dispose();

    private static async Task<AdmissionOutcome> Judge(JsonObject review, AdmissionEndpoint endpoint = AdmissionEndpoint.Validate) =>
        await ExampleViews.Handler(PolicyOptions.Defaults).HandleAsync(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(review.ToJsonString())), endpoint, CancellationToken.None);

    private static async Task<AdmissionOutcome> Example(string name) =>
        await ExampleViews.Handler(PolicyOptions.Defaults).HandleAsync(new ReadOnlySequence<byte>(await File.ReadAllBytesAsync(RepoPaths.ExampleRequest(name))), name.StartsWith("gateway", StringComparison.Ordinal) ? AdmissionEndpoint.Mutate : AdmissionEndpoint.Validate, CancellationToken.None);

    private static List<string> OwnSeries(string scrape) =>
        [.. scrape.Split('\n').Where(l => l.StartsWith(WebhookMetrics.Prefix, StringComparison.Ordinal)).Select(l => l[..l.LastIndexOf(' ')]).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task A_denial_is_counted_once_with_its_finding_and_its_duration_exactly()
    {
        using var metrics = new WebhookMetrics(ExampleViews.Source(), certificate, shutdown: null, clock);
        var denied = Assert.IsType<Answered>(await Example("pod-on-service-waypoint.json"));
        Assert.Equal("denied", denied.Verdict);

        metrics.Record(AdmissionEndpoint.Validate, denied, TimeSpan.FromMilliseconds(0.3));
        var scrape = await MetricsScrape.Text(metrics.Registry);

        Assert.Equal(1, MetricsScrape.Value(scrape, "waypoint_webhook_admission_requests_total{endpoint=\"validate\",kind=\"Pod\",operation=\"CREATE\",verdict=\"denied\",dry_run=\"false\"}"));
        Assert.Equal(1, MetricsScrape.Value(scrape, "waypoint_webhook_admission_findings_total{endpoint=\"validate\",kind=\"Pod\",operation=\"CREATE\",reason=\"UnsupportedTrafficType\",verdict=\"denied\"}"));
        Assert.Equal(1, MetricsScrape.Sum(scrape, "waypoint_webhook_admission_requests_total"));
        Assert.Equal(1, MetricsScrape.Sum(scrape, "waypoint_webhook_admission_findings_total"));

        // 0.3 ms: above the 0.25 ms bucket, within 0.5 ms; the sum is the elapsed time itself.
        Assert.Equal(0, MetricsScrape.Value(scrape, "waypoint_webhook_admission_duration_seconds_bucket{endpoint=\"validate\",verdict=\"denied\",le=\"0.00025\"}"));
        Assert.Equal(1, MetricsScrape.Value(scrape, "waypoint_webhook_admission_duration_seconds_bucket{endpoint=\"validate\",verdict=\"denied\",le=\"0.0005\"}"));
        Assert.Equal(1, MetricsScrape.Value(scrape, "waypoint_webhook_admission_duration_seconds_count{endpoint=\"validate\",verdict=\"denied\"}"));
        Assert.Equal(0.0003, MetricsScrape.Value(scrape, "waypoint_webhook_admission_duration_seconds_sum{endpoint=\"validate\",verdict=\"denied\"}")!.Value, 9);

        // A second denial adds one to the same series, none to any other.
        metrics.Record(AdmissionEndpoint.Validate, denied, TimeSpan.FromMilliseconds(0.3));
        var again = await MetricsScrape.Text(metrics.Registry);
        Assert.Equal(2, MetricsScrape.Value(again, "waypoint_webhook_admission_requests_total{endpoint=\"validate\",kind=\"Pod\",operation=\"CREATE\",verdict=\"denied\",dry_run=\"false\"}"));
        Assert.Equal(OwnSeries(scrape), OwnSeries(again));
    }

    [Fact]
    public async Task Counters_are_typed_counter_with_total_and_the_duration_a_histogram_with_the_buckets()
    {
        using var metrics = new WebhookMetrics(ExampleViews.Source(), certificate, shutdown: null, clock);
        metrics.Record(AdmissionEndpoint.Validate, await Example("pod-on-service-waypoint.json"), TimeSpan.FromMilliseconds(1));
        metrics.Record(AdmissionEndpoint.Mutate, await Example("gateway-without-traffic-type.json"), TimeSpan.FromMilliseconds(1));
        metrics.Record(AdmissionEndpoint.Validate, new Refused(400, RefusalCause.MalformedJson, "bad"), TimeSpan.FromMilliseconds(1));
        var scrape = await MetricsScrape.Text(metrics.Registry);

        foreach (var counter in new[] { "admission_requests_total", "admission_findings_total", "patches_total", "bad_requests_total" })
        {
            Assert.Contains($"# TYPE waypoint_webhook_{counter} counter\n", scrape, StringComparison.Ordinal);
        }

        Assert.Contains("# TYPE waypoint_webhook_admission_duration_seconds histogram\n", scrape, StringComparison.Ordinal);
        foreach (var gauge in new[] { "cluster_objects", "certificate_expiry_seconds", "ready" })
        {
            Assert.Contains($"# TYPE waypoint_webhook_{gauge} gauge\n", scrape, StringComparison.Ordinal);
        }

        Assert.Equal(1, MetricsScrape.Value(scrape, "waypoint_webhook_patches_total{kind=\"Gateway\"}"));
        Assert.Equal(1, MetricsScrape.Value(scrape, "waypoint_webhook_bad_requests_total{endpoint=\"validate\",cause=\"MalformedJson\"}"));
        Assert.Equal(1, MetricsScrape.Value(scrape, "waypoint_webhook_admission_duration_seconds_count{endpoint=\"validate\",verdict=\"bad_request\"}"));
        var buckets = scrape.Split('\n')
            .Where(l => l.StartsWith("waypoint_webhook_admission_duration_seconds_bucket{endpoint=\"mutate\",verdict=\"allowed\",", StringComparison.Ordinal))
            .Select(l => l[(l.IndexOf("le=\"", StringComparison.Ordinal) + 4)..l.IndexOf("\"}", StringComparison.Ordinal)])
            .ToList();
        Assert.Equal([.. WebhookMetrics.DurationBuckets.Select(b => b.ToString(System.Globalization.CultureInfo.InvariantCulture)), "+Inf"], buckets);
        Assert.Equal(3, MetricsScrape.Value(scrape, "waypoint_webhook_cluster_objects{resource=\"gateways\"}"));
    }

    [Fact]
    public async Task Ten_thousand_unknown_kinds_operations_and_reasons_leave_the_same_series()
    {
        using var metrics = new WebhookMetrics(ExampleViews.Source(), certificate, shutdown: null, clock);
        metrics.Record(AdmissionEndpoint.Validate, await Judge(Review("u-0", "example.com", "v1", "Widget", "default", "w", "CREATE", new JsonObject())), TimeSpan.FromMilliseconds(1));
        var one = await MetricsScrape.Text(metrics.Registry);

        for (var i = 1; i <= 10_000; i++)
        {
            var outcome = await Judge(Review("u-" + i, "example.com", "v1", "Widget" + i, "default", "w", "CREATE", new JsonObject()));
            metrics.Record(AdmissionEndpoint.Validate, outcome, TimeSpan.FromMilliseconds(1));
        }

        var after = await MetricsScrape.Text(metrics.Registry);
        Assert.Equal(OwnSeries(one), OwnSeries(after));
        Assert.Equal(10_001, MetricsScrape.Value(after, "waypoint_webhook_admission_requests_total{endpoint=\"validate\",kind=\"other\",operation=\"CREATE\",verdict=\"allowed\",dry_run=\"false\"}"));

        // Labels clamp what a client or a future code could send: a kind, an operation, a reason code.
        Assert.Equal("other", WebhookMetrics.KindLabel(new string('K', 1024 * 1024)));
        Assert.Equal("other", WebhookMetrics.KindLabel(null));
        Assert.Equal("Pod", WebhookMetrics.KindLabel("Pod"));
        Assert.Equal("other", WebhookMetrics.OperationLabel("PATCH"));
        Assert.Equal("DELETE", WebhookMetrics.OperationLabel("DELETE"));
        Assert.Equal("other", WebhookMetrics.ReasonLabel("MadeUpReason"));
        Assert.Equal(ReasonCodes.WaypointMissing, WebhookMetrics.ReasonLabel(ReasonCodes.WaypointMissing));
    }

    [Fact]
    public async Task Ready_is_1_when_readyz_would_answer_ready_and_0_while_not_loaded_or_draining()
    {
        var settings = WebhookSettings.Load(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Webhook:ShutdownDelaySeconds"] = "0" }).Build());
        var shutdown = new GracefulShutdown(settings, NullLogger<GracefulShutdown>.Instance);
        using var loaded = new WebhookMetrics(ExampleViews.Source(), certificate, shutdown, clock);
        using var notLoaded = new WebhookMetrics(new NotLoaded(), certificate, shutdown, clock);
        var noCertificate = new ServingCertificate(certificates.CertificateFile, certificates.KeyFile);
        using var uncertified = new WebhookMetrics(ExampleViews.Source(), noCertificate, shutdown, clock);

        Assert.Equal(1, MetricsScrape.Value(await MetricsScrape.Text(loaded.Registry), "waypoint_webhook_ready"));
        Assert.Equal(0, MetricsScrape.Value(await MetricsScrape.Text(notLoaded.Registry), "waypoint_webhook_ready"));
        var scrape = await MetricsScrape.Text(uncertified.Registry);
        Assert.Equal(0, MetricsScrape.Value(scrape, "waypoint_webhook_ready"));
        Assert.DoesNotContain("\nwaypoint_webhook_certificate_expiry_seconds ", scrape, StringComparison.Ordinal);

        await shutdown.StoppingAsync(CancellationToken.None);
        Assert.Equal(0, MetricsScrape.Value(await MetricsScrape.Text(loaded.Registry), "waypoint_webhook_ready"));
        Assert.Equal("shutting down", Readiness.NotReadyReason(ExampleViews.Source(), certificate, shutdown));
    }

    [Fact]
    public async Task A_scraped_gauge_shows_the_snapshot_of_each_scrape_and_drops_series_it_no_longer_lists()
    {
        var registry = Metrics.NewCustomRegistry();
        IEnumerable<(string[] Labels, double Value)> snapshot = [(["Pod", "NoWaypoint"], 3), (["Service", "NoWaypoint"], 1)];
        _ = new ScrapedGauge(registry, "waypoint_webhook_test_gauge", "A test gauge.", ["kind", "reason"], () => snapshot);

        var first = await MetricsScrape.Text(registry);
        Assert.Equal(3, MetricsScrape.Value(first, "waypoint_webhook_test_gauge{kind=\"Pod\",reason=\"NoWaypoint\"}"));
        Assert.Equal(1, MetricsScrape.Value(first, "waypoint_webhook_test_gauge{kind=\"Service\",reason=\"NoWaypoint\"}"));

        snapshot = [(["Pod", "NoWaypoint"], 2)];
        var second = await MetricsScrape.Text(registry);
        Assert.Equal(2, MetricsScrape.Value(second, "waypoint_webhook_test_gauge{kind=\"Pod\",reason=\"NoWaypoint\"}"));
        Assert.Null(MetricsScrape.Value(second, "waypoint_webhook_test_gauge{kind=\"Service\",reason=\"NoWaypoint\"}"));
    }

    private sealed class NotLoaded : IClusterViewSource
    {
        public IClusterView? Current => null;

        public IReadOnlyList<ResourceStatus> Resources => [];

        // Never loaded, so never changed.
        public event Action? Changed
        {
            add { }
            remove { }
        }

        public ValueTask<IClusterView> ConfirmAsync(IClusterView view, ViewMisses misses, CancellationToken cancellationToken) => ValueTask.FromResult(view);

        public Task RunAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public string Describe() => "not loaded (test)";
    }
}
