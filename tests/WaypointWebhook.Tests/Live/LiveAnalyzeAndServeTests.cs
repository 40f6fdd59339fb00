using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Serilog;
using WaypointWebhook.Cluster.Live;
using WaypointWebhook.Hosting;
using WaypointWebhook.Settings;
using WaypointWebhook.Testing;
using WaypointWebhook.Tests.Integration;
using static WaypointWebhook.Testing.FakeObjects;

namespace WaypointWebhook.Tests.Live;

/// <summary><c>analyze</c> of a live cluster, and <c>serve</c>'s readiness in live mode, over the fake API server.</summary>
public sealed class LiveAnalyzeAndServeTests : IAsyncLifetime
{
    private FakeApiServer api = null!;
    private string kubeconfig = null!;

    public async Task InitializeAsync()
    {
        api = await FakeApiServer.StartAsync();
        kubeconfig = api.Kubeconfig();
        api.Apply(GatewayClasses, GatewayClass("istio-waypoint", "istio.io/mesh-controller"));
        api.Apply(Namespaces, Namespace("default", ("istio.io/dataplane-mode", "ambient")));
        api.Apply(Namespaces, Namespace("app", ("istio.io/dataplane-mode", "ambient")));
        api.Apply(Gateways, Gateway("default", "waypoint"));
        api.Apply("api/v1/pods", new JsonObject { ["metadata"] = Reviews.Metadata("default", "ratings", ("istio.io/use-waypoint", "waypoint")), ["spec"] = new JsonObject() });
        api.Apply("api/v1/pods", new JsonObject { ["metadata"] = Reviews.Metadata("default", "plain", ("app", "x")), ["spec"] = new JsonObject() });
        api.Apply("api/v1/services", new JsonObject { ["metadata"] = Reviews.Metadata("app", "s", ("istio.io/use-waypoint", "waypoint"), ("istio.io/use-waypoint-namespace", "default")), ["spec"] = new JsonObject { ["type"] = "ClusterIP" } });
        api.Apply("apis/apps/v1/deployments", new JsonObject
        {
            ["metadata"] = Reviews.Metadata("app", "web"),
            ["spec"] = new JsonObject { ["template"] = new JsonObject { ["metadata"] = Reviews.Metadata(null, "", ("istio.io/use-waypoint", "None")) } },
        });
    }

    public async Task DisposeAsync()
    {
        await api.DisposeAsync();
    }

    [Fact]
    public async Task Analyze_without_files_audits_the_live_cluster()
    {
        var (exit, output, error) = await CliRunner.Run("analyze", "--kubeconfig", kubeconfig);

        Assert.Equal(1, exit);
        Assert.Equal("3 errors, 0 warnings in 7 objects from the cluster\n2 consumers not bound to their waypoint\n", error.Replace("\r", string.Empty));
        Assert.Equal(
            [
                "Error [AttachmentDenied] (Service app/s)",
                "Error [InvalidLabelValue] (Deployment app/web)",
                "Error [UnsupportedTrafficType] (Pod default/ratings)",

                // The audit's list (GET /unbound's): a Deployment is no consumer, its Pods are.
                "Unbound [AttachmentDenied] (Service app/s)",
                "Unbound [UnsupportedTrafficType] (Pod default/ratings)",
            ],
            output.TrimEnd().Split('\n').Select(l => string.Join(' ', l.Split(' ').Take(4))));

        // Pods and Services are listed with a selector per waypoint label, not whole.
        Assert.Contains(api.Requests, r => r.StartsWith("GET /api/v1/pods?", StringComparison.Ordinal) && r.Contains("labelSelector=istio.io%2Fuse-waypoint"));
        Assert.DoesNotContain(api.Requests, r => r.StartsWith("GET /api/v1/pods?", StringComparison.Ordinal) && !r.Contains("labelSelector="));
    }

    [Fact]
    public async Task Analyze_one_namespace_lists_only_there_but_resolves_everywhere()
    {
        var (exit, output, _) = await CliRunner.Run("analyze", "--kubeconfig", kubeconfig, "-n", "app", "-o", "json");

        Assert.Equal(1, exit);
        var findings = JsonNode.Parse(output)!["findings"]!.AsArray();
        Assert.Equal(["Service app/s AttachmentDenied", "Deployment app/web InvalidLabelValue"], findings.Select(f => $"{f!["kind"]} {f["namespace"]}/{f["name"]} {f["reason"]}"));
        Assert.Contains(api.Requests, r => r.StartsWith("GET /api/v1/namespaces/app/services?", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Analyze_of_an_unreachable_cluster_exits_2()
    {
        api.Down = true;

        var (exit, _, error) = await CliRunner.Run("analyze", "--kubeconfig", kubeconfig);

        Assert.Equal(2, exit);
        Assert.StartsWith("error: cannot list the cluster", error);
    }

    [Fact]
    public async Task Serve_in_live_mode_is_ready_only_after_sync()
    {
        api.HoldLists(FakeObjects.Namespaces); // held until the early probe is answered, however slow the start
        using var certificates = new TestCertificates();
        var view = new LiveClusterView(api.Client(), new CacheTiming { InitialBackoff = TimeSpan.FromMilliseconds(20) }, NullLoggerFactory.Instance);
        await using var host = await InProcessWebhook.StartAsync(certificates.CertificateFile, certificates.KeyFile, views: view, logger: new LoggerConfiguration().CreateLogger());
        using var http = new HttpClient();

        using var early = await http.GetAsync(new Uri(host.Health, "/readyz"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, early.StatusCode);
        Assert.Contains("syncing", await early.Content.ReadAsStringAsync());
        using var alive = await http.GetAsync(new Uri(host.Health, "/healthz"));
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        api.ReleaseLists(FakeObjects.Namespaces);

        async Task<bool> Ready()
        {
            using var ready = await http.GetAsync(new Uri(host.Health, "/readyz"));
            return ready.StatusCode == HttpStatusCode.OK;
        }

        Assert.True(await Eventually.Holds(Ready, TimeSpan.FromSeconds(15)), "not ready after the sync");
    }
}
