using WaypointWebhook.Policy.Configuration;
using WaypointWebhook.Policy.Model;
using static WaypointWebhook.Policy.Tests.Subjects;

namespace WaypointWebhook.Policy.Tests.Reverse;

/// <summary>What the reverse-check tests share: a policy per setting, Pods and Services on a waypoint, and the warnings as text.</summary>
internal static class ReverseFixtures
{
    public static readonly WaypointPolicy Warning = new(new PolicyOptions());

    public static readonly WaypointPolicy Denying = new(new PolicyOptions { ReverseCheck = ReverseCheckMode.Deny });

    public static GatewaySubject Gateway(GatewayInfo gateway) => new(gateway);

    /// <summary>An ambient namespace, the istio classes, and the Gateway <c>ns/name</c> as given.</summary>
    public static TestCluster Cluster(GatewayInfo gateway, params string[] ambientNamespaces)
    {
        var cluster = TestCluster.WithIstioClasses().Gateway(gateway);
        foreach (var ns in ambientNamespaces)
        {
            cluster.Namespace(ns, new Dictionary<string, string> { ["istio.io/dataplane-mode"] = "ambient" });
        }

        return cluster;
    }

    public static EnrollingSubject[] Pods(string ns, string prefix, int count, string waypoint, string? waypointNamespace = null) =>
        Enumerable.Range(0, count).Select(i => waypointNamespace is null
            ? Pod(ns, $"{prefix}-{i}", UseWaypoint(waypoint))
            : Pod(ns, $"{prefix}-{i}", UseWaypoint(waypoint), UseWaypointNamespace(waypointNamespace))).ToArray();

    /// <summary>The warnings as the admission answer shows them: <c>[Reason] message</c>.</summary>
    public static string[] Shown(this IEnumerable<Finding> findings) => findings.Select(f => $"[{f.Reason}] {f.Message}").ToArray();
}
