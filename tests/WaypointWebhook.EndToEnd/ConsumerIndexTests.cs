using WaypointWebhook.Testing;
using static WaypointWebhook.EndToEnd.LocalCluster;

namespace WaypointWebhook.EndToEnd;

/// <summary>
/// The consumer index against the real API server, as shipped (its RBAC, its label-selected watches):
/// labelled Pods and Services applied with kubectl reach the live view, and leave it when unlabelled or
/// deleted. The view's per-resource object counts are read from the metrics.
/// </summary>
[Collection(LocalClusterCollection.Name)]
public sealed class ConsumerIndexTests(LocalCluster cluster)
{
    private const string Ns = "e2e-consumers";
    private static readonly TimeSpan Follow = TimeSpan.FromSeconds(10);

    private Task<double> Objects(string resource) => cluster.MetricSum("waypoint_webhook_cluster_objects", $"resource=\"{resource}\"");

    private async Task<(double Primary, double Canary, double Services)> Counts() =>
        (await Objects("pods[istio.io/use-waypoint]"), await Objects("pods[istio.io/use-waypoint-canary]"), await Objects("services[istio.io/use-waypoint]"));

    [SkippableFact]
    public async Task Labelled_pods_and_services_applied_with_kubectl_reach_the_live_index_and_leave_it()
    {
        Skip.If(cluster.SkipReason is not null, cluster.SkipReason);
        cluster.Namespace(Ns);
        cluster.OkIn(Waypoint(Ns, "waypoint", "all"), "apply", "-f", "-");
        var (primary, canary, services) = await Counts();

        cluster.OkIn(
            string.Join("\n---\n", Pod(Ns, "c-1", "istio.io/use-waypoint: waypoint"), Pod(Ns, "c-2", "istio.io/use-waypoint: waypoint, istio.io/use-waypoint-canary: waypoint"), Pod(Ns, "plain", "app: x"), Service(Ns, "svc", "istio.io/use-waypoint: waypoint")),
            "apply", "-f", "-");
        Assert.True(
            await Eventually.Holds(async () => await Counts() == (primary + 2, canary + 1, services + 1), Follow, Poll),
            $"the index holds {await Counts()}, expected {(primary + 2, canary + 1, services + 1)}");

        // The API server's label-selected watch sends DELETED for a Pod whose label is removed, and for one deleted.
        cluster.Ok("label", "pod", "-n", Ns, "c-1", "istio.io/use-waypoint-");
        cluster.Ok("delete", "pod", "-n", Ns, "c-2", "--grace-period=0", "--force");
        cluster.Ok("delete", "service", "-n", Ns, "svc");
        Assert.True(
            await Eventually.Holds(async () => await Counts() == (primary, canary, services), Follow, Poll),
            $"the index holds {await Counts()}, expected {(primary, canary, services)}");
    }
}
