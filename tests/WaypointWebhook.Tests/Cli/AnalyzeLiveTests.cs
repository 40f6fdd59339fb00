using System.Text.Json.Nodes;
using WaypointWebhook.Cli;
using WaypointWebhook.Testing;
using static WaypointWebhook.Testing.FakeObjects;

namespace WaypointWebhook.Tests.Cli;

/// <summary>What <c>analyze</c> of a live cluster adds to the output: no file fields, the summary, and progress on a terminal.</summary>
public sealed class AnalyzeLiveTests : IAsyncLifetime
{
    private FakeApiServer api = null!;
    private string kubeconfig = null!;

    public async Task InitializeAsync()
    {
        api = await FakeApiServer.StartAsync();
        kubeconfig = api.Kubeconfig();
        api.Apply(GatewayClasses, GatewayClass("istio-waypoint", "istio.io/mesh-controller"));
        api.Apply(Namespaces, Namespace("default", ("istio.io/dataplane-mode", "ambient")));
        api.Apply(Gateways, Gateway("default", "waypoint"));
        for (var i = 0; i < 3; i++)
        {
            api.Apply("api/v1/pods", new JsonObject { ["metadata"] = Reviews.Metadata("default", $"p{i}", ("istio.io/use-waypoint", "waypoint")), ["spec"] = new JsonObject() });
        }
    }

    public async Task DisposeAsync()
    {
        await api.DisposeAsync();
    }

    [Fact]
    public async Task Json_findings_of_a_live_cluster_have_no_location_fields_and_the_summary_says_where_from()
    {
        var (exit, output, error) = await CliRunner.Run("analyze", "--kubeconfig", kubeconfig, "-o", "json");

        Assert.Equal(1, exit);
        var findings = JsonNode.Parse(output)!["findings"]!.AsArray();
        Assert.Equal(3, findings.Count);
        Assert.All(findings, f => Assert.Equal(["kind", "namespace", "name", "severity", "reason", "field", "message"], f!.AsObject().Select(p => p.Key)));
        // Program.Run's error writer is not the console's: no progress, the summary is the only line.
        Assert.Equal("3 errors, 0 warnings in 6 objects from the cluster\n3 consumers not bound to their waypoint\n", error);
    }

    [Fact]
    public async Task The_suppress_annotation_is_read_from_live_objects_too()
    {
        var metadata = Reviews.Metadata("default", "p1", ("istio.io/use-waypoint", "waypoint"));
        metadata["annotations"] = new JsonObject { ["waypoint.istio.io/analyze-suppress"] = "UnsupportedTrafficType", ["other"] = "x" };
        api.Apply("api/v1/pods", new JsonObject { ["metadata"] = metadata, ["spec"] = new JsonObject() });
        var gatewayClass = GatewayClass("other", "example.com/controller");
        gatewayClass["metadata"]!["labels"] = new JsonObject { ["istio.io/waypoint-for"] = "All" };
        gatewayClass["metadata"]!["annotations"] = new JsonObject { ["waypoint.istio.io/analyze-suppress"] = "InvalidTrafficType" };
        api.Apply(GatewayClasses, gatewayClass);

        var (exit, output, error) = await CliRunner.Run("analyze", "--kubeconfig", kubeconfig);

        Assert.Equal(1, exit);
        // A suppression hides a finding, not the fact: the audit still lists p1 as unbound.
        Assert.Equal(
            [
                "Error [UnsupportedTrafficType] (Pod default/p0)", "Error [UnsupportedTrafficType] (Pod default/p2)",
                "Unbound [UnsupportedTrafficType] (Pod default/p0)", "Unbound [UnsupportedTrafficType] (Pod default/p1)", "Unbound [UnsupportedTrafficType] (Pod default/p2)",
            ],
            AnalyzeRun.Lines(output).Select(l => string.Join(' ', l.Split(' ').Take(4))));
        Assert.Equal("2 errors, 0 warnings in 7 objects from the cluster\n2 findings suppressed\n3 consumers not bound to their waypoint\n", error);
    }

    [Fact]
    public async Task Progress_shows_each_kind_listed_page_by_page()
    {
        var progress = new StringWriter();

        var listed = await new ClusterLister(api.Client(), pageSize: 2, progress: progress).ListAsync(null, CancellationToken.None);

        Assert.Equal(6, listed.Subjects.Count);
        const string erase = "\r\u001b[K";
        Assert.Equal(
            $"{erase}listed 1 namespaces\n{erase}listed 0 services\n{erase}listing pods: 2{erase}listed 3 pods\n{erase}listed 0 replicationcontrollers\n"
            + $"{erase}listed 0 deployments\n{erase}listed 0 statefulsets\n{erase}listed 0 daemonsets\n{erase}listed 0 replicasets\n{erase}listed 0 jobs\n{erase}listed 0 cronjobs\n"
            + $"{erase}listed 0 serviceentries\n{erase}listed 0 workloadentries\n{erase}listed 0 workloadgroups\n{erase}listed 1 gateways\n{erase}listed 1 gatewayclasses\n",
            progress.ToString().Replace("\r\n", "\n"));
    }
}
