using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using WaypointWebhook.Cluster.Live;
using WaypointWebhook.Hosting;
using WaypointWebhook.Testing;
using WaypointWebhook.Tests.Integration;
using static WaypointWebhook.Testing.FakeObjects;

namespace WaypointWebhook.Tests.Cli;

/// <summary>
/// <c>analyze</c> of a live cluster and <c>serve</c>'s <c>GET /unbound</c> over the same fake API server state:
/// the same unbound consumers, item for item (one view, one evaluation path).
/// </summary>
public sealed class AnalyzeLiveUnboundTests : IAsyncLifetime
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
        api.Apply(Gateways, Gateway("default", "everything", waypointFor: "all", from: "All"));

        // Unbound: Pods on a service-only waypoint, and a Pod of app on a waypoint whose listener admits only its own namespace.
        Labelled("api/v1/pods", "default", "p0", ("istio.io/use-waypoint", "waypoint"));
        Labelled("api/v1/pods", "default", "p1", ("istio.io/use-waypoint", "waypoint"));
        Labelled("api/v1/pods", "app", "x", ("istio.io/use-waypoint", "waypoint"), ("istio.io/use-waypoint-namespace", "default"));

        // Bound: a Pod on the waypoint for everything, a Service on the service waypoint.
        Labelled("api/v1/pods", "app", "y", ("istio.io/use-waypoint", "everything"), ("istio.io/use-waypoint-namespace", "default"));
        Labelled("api/v1/services", "default", "s", ("istio.io/use-waypoint", "waypoint"));
    }

    public async Task DisposeAsync()
    {
        await api.DisposeAsync();
    }

    private void Labelled(string resource, string ns, string name, params (string Key, string Value)[] labels) =>
        api.Apply(resource, new JsonObject { ["metadata"] = Reviews.Metadata(ns, name, labels), ["spec"] = resource.EndsWith("services", StringComparison.Ordinal) ? new JsonObject { ["type"] = "ClusterIP" } : new JsonObject() });

    private async Task<JsonNode> ServedUnbound(string query = "")
    {
        using var certificates = new TestCertificates();
        var view = new LiveClusterView(api.Client(), new CacheTiming { InitialBackoff = TimeSpan.FromMilliseconds(20) }, NullLoggerFactory.Instance);
        await using var webhook = await InProcessWebhook.StartAsync(certificates.CertificateFile, certificates.KeyFile, new Dictionary<string, string?> { ["AuditIntervalSeconds"] = "0" }, view);
        await webhook.App.Services.GetRequiredService<UnboundAudit>().FirstPass.WaitAsync(TimeSpan.FromSeconds(20));
        using var http = new HttpClient();
        using var response = await http.GetAsync(new Uri(webhook.Health, "/unbound" + query));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    [Fact]
    public async Task Analyze_lists_the_same_unbound_consumers_as_the_served_audit()
    {
        var (exit, output, error) = await CliRunner.Run("analyze", "--kubeconfig", kubeconfig, "-o", "json");
        var served = await ServedUnbound();

        var analyzed = JsonNode.Parse(output)!["unbound"]!;
        Assert.True(JsonNode.DeepEquals(served["items"], analyzed), $"served {served["items"]!.ToJsonString()}\nanalyzed {analyzed.ToJsonString()}");
        Assert.Equal(["app Pod x", "default Pod p0", "default Pod p1"], analyzed.AsArray().Select(i => $"{(string?)i!["namespace"]} {(string?)i["kind"]} {(string?)i["name"]}").Distinct());
        Assert.Equal(1, exit);
        Assert.EndsWith($"\n{served["total"]} consumers not bound to their waypoint\n", error);
    }

    [Fact]
    public async Task One_namespace_lists_its_unbound_consumers_as_the_filter_does()
    {
        var (_, output, _) = await CliRunner.Run("analyze", "--kubeconfig", kubeconfig, "-o", "json", "-n", "app");
        var served = await ServedUnbound("?namespace=app");

        Assert.True(JsonNode.DeepEquals(served["items"], JsonNode.Parse(output)!["unbound"]));
        Assert.All(served["items"]!.AsArray(), i => Assert.Equal("app", (string?)i!["namespace"]));
    }

    [Fact]
    public async Task Text_output_shows_each_unbound_consumer_after_the_findings()
    {
        var (_, output, _) = await CliRunner.Run("analyze", "--kubeconfig", kubeconfig);
        var served = await ServedUnbound();

        var expected = served["items"]!.AsArray().Select(i => $"Unbound [{(string?)i!["reason"]}] ({(string?)i["kind"]} {(string?)i["namespace"]}/{(string?)i["name"]}) {(string?)i["message"]}");
        var lines = Cli.AnalyzeRun.Lines(output);
        Assert.Equal(expected, lines.Where(l => l.StartsWith("Unbound ", StringComparison.Ordinal)));
        Assert.StartsWith("Unbound ", lines[^1]);
    }
}
