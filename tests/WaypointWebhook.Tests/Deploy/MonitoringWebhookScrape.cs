using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging.Abstractions;
using WaypointWebhook.Cluster.Live;
using WaypointWebhook.Testing;
using WaypointWebhook.Tests.Integration;
using static WaypointWebhook.Tests.Reviews;

namespace WaypointWebhook.Tests.Deploy;

/// <summary>
/// One scrape of a running webhook's /metrics (the real server, in process, with a live cluster view over
/// <see cref="FakeApiServer"/>) after it has answered one of each kind of request, so that every labelled
/// series the monitoring names has a sample: an allowed, a denied and a warned review, a dry run, a mutation
/// with a patch, a malformed body; the view's gauges per resource; a Namespace that names a missing
/// waypoint (an unbound consumer, for the audit).
/// </summary>
public sealed partial class MonitoringWebhookScrape : IAsyncLifetime
{
    private FakeApiServer api = null!;
    private InProcessWebhook host = null!;
    private readonly TestCertificates certificates = new();

    /// <summary>The scrape as the exposition text.</summary>
    public string Text { get; private set; } = "";

    /// <summary>Each sample name with, per label name, the values its samples carry.</summary>
    public Dictionary<string, Dictionary<string, HashSet<string>>> Samples { get; } = new(StringComparer.Ordinal);

    /// <summary>Names in <c># TYPE</c> lines, with the type.</summary>
    public Dictionary<string, string> Types { get; } = new(StringComparer.Ordinal);

    public async Task InitializeAsync()
    {
        api = await FakeApiServer.StartAsync();
        api.Apply(FakeObjects.Namespaces, FakeObjects.Namespace("default"));
        api.Apply(FakeObjects.Namespaces, FakeObjects.Namespace("orphans", ("istio.io/use-waypoint", "gone")));
        api.Apply(FakeObjects.GatewayClasses, FakeObjects.GatewayClass("istio-waypoint", "istio.io/mesh-controller"));
        api.Apply(FakeObjects.Gateways, FakeObjects.Gateway("default", "waypoint"));
        var view = new LiveClusterView(api.Client(), new CacheTiming { InitialBackoff = TimeSpan.FromMilliseconds(20) }, NullLoggerFactory.Instance);
        host = await InProcessWebhook.StartAsync(certificates.CertificateFile, certificates.KeyFile, views: view);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await Eventually.Until(async () => (await http.GetAsync(new Uri(host.Health, "/readyz"))).StatusCode == HttpStatusCode.OK, "the webhook is ready", TimeSpan.FromSeconds(30));

        using var https = certificates.Client();
        await Expect(https, "/validate", PodReview("m-1", "default", "denied", ("istio.io/use-waypoint", "waypoint")), allowed: false);
        await Expect(https, "/validate", PodReview("m-2", "default", "warned", ("istio.io/use-waypoint", "missing")), allowed: true);
        await Expect(https, "/validate", Review("m-3", "", "v1", "Service", "default", "allowed", "CREATE", new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Service", ["metadata"] = Metadata("default", "allowed", ("istio.io/use-waypoint", "waypoint")), ["spec"] = new JsonObject() }, dryRun: true), allowed: true);
        await Expect(https, "/mutate", Review("m-4", "gateway.networking.k8s.io", "v1", "Gateway", "default", "plain", "CREATE", Gateway("default", "plain")), allowed: true);
        using (var malformed = await https.PostAsync(new Uri(host.Admission, "/validate"), new StringContent("{not json", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        }

        // The unbound gauge has samples once the live audit's first pass is done (/unbound answers 200 then).
        await Eventually.Until(async () => (await http.GetAsync(new Uri(host.Health, "/unbound"))).StatusCode == HttpStatusCode.OK, "the audit's first pass", TimeSpan.FromSeconds(30));
        Text = await http.GetStringAsync(new Uri(host.Health, "/metrics"));
        Parse(Text);
    }

    public async Task DisposeAsync()
    {
        await host.DisposeAsync();
        await api.DisposeAsync();
        certificates.Dispose();
    }

    private async Task Expect(HttpClient https, string path, JsonObject review, bool allowed)
    {
        using var response = await https.PostAsync(new Uri(host.Admission, path), new StringContent(review.ToJsonString(), Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.True(allowed == (bool)JsonNode.Parse(body)!["response"]!["allowed"]!, body);
    }

    private void Parse(string text)
    {
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                Types[parts[2]] = parts[3];
                continue;
            }

            var sample = SamplePattern().Match(line);
            if (!sample.Success)
            {
                continue;
            }

            var labels = Samples.TryGetValue(sample.Groups["name"].Value, out var known) ? known : Samples[sample.Groups["name"].Value] = new(StringComparer.Ordinal);
            foreach (Match label in LabelPattern().Matches(sample.Groups["labels"].Value))
            {
                (labels.TryGetValue(label.Groups["label"].Value, out var values) ? values : labels[label.Groups["label"].Value] = new(StringComparer.Ordinal)).Add(label.Groups["value"].Value);
            }
        }
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?<labels>.*)\})? \S+")]
    private static partial Regex SamplePattern();

    [GeneratedRegex(@"(?<label>\w+)=""(?<value>(?:[^""\\]|\\.)*)""")]
    private static partial Regex LabelPattern();
}
