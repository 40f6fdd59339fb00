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
        kubeconfig = Path.Combine(Path.GetTempPath(), $"kubeconfig-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(kubeconfig, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: fake
              cluster: {"{"}server: "{api.Url.ToString().TrimEnd('/')}"{"}"}
            users:
            - name: fake
              user: {"{"}token: test{"}"}
            contexts:
            - name: fake
              context: {"{"}cluster: fake, user: fake{"}"}
            current-context: fake
            """);
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
        File.Delete(kubeconfig);
    }

    private static async Task<(int Exit, string Output, string Error)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        return (await Program.Run(args, output, error), output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Analyze_without_files_audits_the_live_cluster()
    {
        var (exit, output, error) = await Run("analyze", "--kubeconfig", kubeconfig);

        Assert.Equal(1, exit);
        Assert.Equal("3 errors, 0 warnings in 7 objects from the cluster\n", error.Replace("\r", string.Empty));
        Assert.Equal(
            [
                "Error [AttachmentDenied] (Service app/s)",
                "Error [InvalidLabelValue] (Deployment app/web)",
                "Error [UnsupportedTrafficType] (Pod default/ratings)",
            ],
            output.TrimEnd().Split('\n').Select(l => string.Join(' ', l.Split(' ').Take(4))));

        // Pods and Services are listed with a selector per waypoint label, not whole.
        Assert.Contains(api.Requests, r => r.StartsWith("GET /api/v1/pods?", StringComparison.Ordinal) && r.Contains("labelSelector=istio.io%2Fuse-waypoint"));
        Assert.DoesNotContain(api.Requests, r => r.StartsWith("GET /api/v1/pods?", StringComparison.Ordinal) && !r.Contains("labelSelector="));
    }

    [Fact]
    public async Task Analyze_one_namespace_lists_only_there_but_resolves_everywhere()
    {
        var (exit, output, _) = await Run("analyze", "--kubeconfig", kubeconfig, "-n", "app", "-o", "json");

        Assert.Equal(1, exit);
        var findings = JsonNode.Parse(output)!["findings"]!.AsArray();
        Assert.Equal(["Service app/s AttachmentDenied", "Deployment app/web InvalidLabelValue"], findings.Select(f => $"{f!["kind"]} {f["namespace"]}/{f["name"]} {f["reason"]}"));
        Assert.Contains(api.Requests, r => r.StartsWith("GET /api/v1/namespaces/app/services?", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Analyze_of_an_unreachable_cluster_exits_2()
    {
        api.Down = true;

        var (exit, _, error) = await Run("analyze", "--kubeconfig", kubeconfig);

        Assert.Equal(2, exit);
        Assert.StartsWith("error: cannot list the cluster", error);
    }

    [Fact]
    public async Task Serve_in_live_mode_is_ready_only_after_sync()
    {
        api.ListDelay = TimeSpan.FromMilliseconds(700);
        using var certificates = new TestCertificates();
        var view = new LiveClusterView(api.Client(), new CacheTiming { InitialBackoff = TimeSpan.FromMilliseconds(20) }, NullLoggerFactory.Instance);
        var healthPort = WebhookFixture.FreePort();
        await using var app = WebhookServer.Build(
            new ServeOptions(WebhookFixture.FreePort(), healthPort, certificates.CertificateFile, certificates.KeyFile, IPAddress.Loopback),
            WebhookSettings.Load(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Webhook:ShutdownDelaySeconds"] = "0" }).Build()),
            view,
            new ConfigurationBuilder().Build(),
            new LoggerConfiguration().CreateLogger());
        await app.StartAsync();
        using var http = new HttpClient();

        using var early = await http.GetAsync($"http://127.0.0.1:{healthPort}/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, early.StatusCode);
        Assert.Contains("syncing", await early.Content.ReadAsStringAsync());
        using var alive = await http.GetAsync($"http://127.0.0.1:{healthPort}/healthz");
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);

        var deadline = DateTime.UtcNow.AddSeconds(15);
        HttpStatusCode status;
        do
        {
            await Task.Delay(50);
            using var ready = await http.GetAsync($"http://127.0.0.1:{healthPort}/readyz");
            status = ready.StatusCode;
        }
        while (status != HttpStatusCode.OK && DateTime.UtcNow < deadline);

        Assert.Equal(HttpStatusCode.OK, status);
        await app.StopAsync();
    }
}
