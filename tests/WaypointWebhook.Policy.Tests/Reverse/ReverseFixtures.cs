using WaypointWebhook.Policy.Configuration;
using WaypointWebhook.Policy.Model;
using static WaypointWebhook.Policy.Tests.Subjects;

namespace WaypointWebhook.Policy.Tests.Reverse;

/// <summary>What the reverse-check tests share: a policy per setting, consumers on a waypoint, and the findings as text.</summary>
internal static class ReverseFixtures
{
    public static readonly WaypointPolicy Warning = new(new PolicyOptions());

    public static readonly WaypointPolicy Denying = new(new PolicyOptions { ReverseCheck = ReverseCheckMode.Deny });

    public static readonly RouteNamespaces FromAll = new("All", null);

    public static readonly RouteNamespaces FromSame = new("Same", null);

    public static GatewaySubject Gateway(GatewayInfo gateway) => new(gateway);

    public static GatewayInfo Waypoint(string ns, string name, string? waypointFor, RouteNamespaces? routes = null, string className = "istio-waypoint") =>
        TestCluster.MakeGateway(ns, name, waypointFor, routes, className);

    public static RouteNamespaces Selecting(string key, string value) =>
        new("Selector", new LabelSelector(new Dictionary<string, string?> { [key] = value }, null));

    /// <summary>The istio classes, <paramref name="gateway"/>, and each namespace in ambient mode.</summary>
    public static TestCluster Cluster(GatewayInfo gateway, params string[] ambientNamespaces)
    {
        var cluster = TestCluster.WithIstioClasses().Gateway(gateway);
        foreach (var ns in ambientNamespaces)
        {
            cluster.Namespace(ns, AmbientLabels());
        }

        return cluster;
    }

    public static Dictionary<string, string> AmbientLabels(params (string Key, string Value)[] more)
    {
        var labels = new Dictionary<string, string> { ["istio.io/dataplane-mode"] = "ambient" };
        foreach (var (key, value) in more)
        {
            labels[key] = value;
        }

        return labels;
    }

    /// <summary><paramref name="count"/> Pods <c>prefix-0..</c> naming the waypoint (in another namespace when <paramref name="waypointNamespace"/> is given).</summary>
    public static EnrollingSubject[] Pods(string ns, string prefix, int count, string waypoint, string? waypointNamespace = null) =>
        Enumerable.Range(0, count).Select(i => Pod(ns, $"{prefix}-{i}", Reference(waypoint, waypointNamespace))).ToArray();

    public static (string, string)[] Reference(string waypoint, string? waypointNamespace) =>
        waypointNamespace is null ? [UseWaypoint(waypoint)] : [UseWaypoint(waypoint), UseWaypointNamespace(waypointNamespace)];

    /// <summary>Findings as an admission answer shows them: <c>[Reason] message</c>.</summary>
    public static string[] Shown(this IEnumerable<Finding> findings) => findings.Select(f => $"[{f.Reason}] {f.Message}").ToArray();
}
