using System.Text.Json.Nodes;
using WaypointWebhook.Testing;
using static WaypointWebhook.Testing.FakeObjects;

namespace WaypointWebhook.Tests.Cli;

/// <summary>
/// <c>analyze</c> of a live cluster lists every object the rules can say something about, not only those
/// with a waypoint label of their own: a Service inheriting its namespace's waypoint (W12), a Service with
/// canary labels only, a WorkloadGroup.
/// </summary>
public sealed class AnalyzeLiveCoverageTests : IAsyncLifetime
{
    private FakeApiServer api = null!;
    private string kubeconfig = null!;

    public async Task InitializeAsync()
    {
        api = await FakeApiServer.StartAsync();
        kubeconfig = api.Kubeconfig();
        api.Apply(GatewayClasses, GatewayClass("istio-waypoint", "istio.io/mesh-controller"));

        // A namespace whose waypoint handles only workload traffic: its Services inherit a reference that fails them.
        api.Apply(Namespaces, Namespace("app", ("istio.io/dataplane-mode", "ambient"), ("istio.io/use-waypoint", "workload-only")));
        api.Apply(Namespaces, Namespace("quiet", ("istio.io/dataplane-mode", "ambient")));
        api.Apply(Gateways, Gateway("app", "workload-only", waypointFor: "workload"));
        api.Apply("api/v1/services", Service("app", "inherits"));
        api.Apply("api/v1/services", Service("quiet", "unlabelled"));
        api.Apply("api/v1/services", Service("quiet", "canary-only", ("istio.io/use-waypoint-canary", "None")));
        api.Apply("apis/networking.istio.io/v1/workloadgroups", new JsonObject
        {
            ["metadata"] = Reviews.Metadata("quiet", "group"),
            ["spec"] = new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["istio.io/use-waypoint"] = "None" } } },
        });
    }

    public async Task DisposeAsync()
    {
        await api.DisposeAsync();
    }

    private static JsonObject Service(string ns, string name, params (string Key, string Value)[] labels) =>
        new() { ["metadata"] = Reviews.Metadata(ns, name, labels), ["spec"] = new JsonObject { ["type"] = "ClusterIP" } };

    [Fact]
    public async Task Inherited_canary_only_and_workload_group_findings_are_found_in_a_live_cluster()
    {
        var (exit, output, _) = await CliRunner.Run("analyze", "--kubeconfig", kubeconfig, "-o", "json");

        var findings = JsonNode.Parse(output)!["findings"]!.AsArray()
            .Select(f => $"{(string?)f!["kind"]} {(string?)f["namespace"]}/{(string?)f["name"]} {(string?)f["reason"]}")
            .ToList();
        Assert.Contains("Service app/inherits UnsupportedTrafficType", findings);
        Assert.Contains("Service quiet/canary-only InvalidLabelValue", findings);
        Assert.Contains("WorkloadGroup quiet/group InvalidLabelValue", findings);
        Assert.DoesNotContain(findings, f => f.Contains("quiet/unlabelled", StringComparison.Ordinal));
        Assert.Equal(1, exit); // the WorkloadGroup's W1 denies

        // Services of the enrolled namespace are listed whole; elsewhere only by their labels.
        Assert.Contains(api.Requests, r => r.StartsWith("GET /api/v1/namespaces/app/services?", StringComparison.Ordinal) && !r.Contains("labelSelector"));
        Assert.DoesNotContain(api.Requests, r => r.StartsWith("GET /api/v1/namespaces/quiet/services?", StringComparison.Ordinal));
    }
}
