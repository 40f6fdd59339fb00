using WaypointWebhook.Policy.Model;
using WaypointWebhook.Policy.Resolution;
using static WaypointWebhook.Policy.Tests.Subjects;

namespace WaypointWebhook.Policy.Tests.Reverse;

/// <summary>ChangedView: the cluster with one object replaced or removed, everything else delegated.</summary>
public sealed class ChangedViewTests
{
    private static readonly GatewayInfo A = TestCluster.MakeGateway("ns", "a", "all");
    private static readonly GatewayInfo B = TestCluster.MakeGateway("ns", "b", "all");

    private static TestCluster Cluster() =>
        TestCluster.WithIstioClasses().Gateway(A).Gateway(B).Namespace("ns").Consumer(Pod("ns", "p", UseWaypoint("a")));

    [Fact]
    public void A_replaced_Gateway_is_the_new_one_and_the_others_are_the_views()
    {
        var cluster = Cluster();
        var changed = A with { ClassName = "istio" };

        var view = ChangedView.WithGateway(cluster, new ObjectKey("ns", "a"), changed);

        Assert.Same(changed, view.GetGateway("ns", "a"));
        Assert.Same(B, view.GetGateway("ns", "b"));
        Assert.Null(view.GetGateway("other", "a"));
        Assert.Same(cluster.Consumers, view.Consumers);
        Assert.Equal(["ns/b"], view.GatewaysOfClass("istio-waypoint").Select(g => g.ToString()));
        Assert.Equal(["ns/a"], view.GatewaysOfClass("istio").Select(g => g.ToString()));
    }

    [Fact]
    public void A_removed_Gateway_is_gone_and_known_to_be_gone()
    {
        var view = ChangedView.WithGateway(new Unconfirmed(Cluster()), new ObjectKey("ns", "a"), null);

        Assert.Null(view.GetGateway("ns", "a"));
        Assert.False(view.IsUnconfirmedGateway(new ObjectKey("ns", "a")));
        Assert.True(view.IsUnconfirmedGateway(new ObjectKey("ns", "c")));
        Assert.Equal(["ns/b"], view.GatewaysOfClass("istio-waypoint").Select(g => g.ToString()));
    }

    [Fact]
    public void A_replaced_or_removed_GatewayClass()
    {
        var cluster = Cluster();
        var custom = new GatewayClassInfo("istio-waypoint", "example.com/other", new Dictionary<string, string>(), null);

        Assert.Same(custom, ChangedView.WithGatewayClass(cluster, "istio-waypoint", custom).GetGatewayClass("istio-waypoint"));
        Assert.Null(ChangedView.WithGatewayClass(cluster, "istio-waypoint", null).GetGatewayClass("istio-waypoint"));
        Assert.Same(cluster.GetGatewayClass("istio"), ChangedView.WithGatewayClass(cluster, "istio-waypoint", null).GetGatewayClass("istio"));
    }

    [Fact]
    public void A_replaced_Namespace_is_known()
    {
        var info = new NamespaceInfo("ns", new Dictionary<string, string> { ["team"] = "a" });

        var view = ChangedView.WithNamespace(new Unconfirmed(Cluster()), "ns", info);

        Assert.Same(info, view.GetNamespace("ns"));
        Assert.False(view.IsUnconfirmedNamespace("ns"));
        Assert.True(view.IsUnconfirmedNamespace("other"));
        Assert.Null(ChangedView.WithNamespace(Cluster(), "ns", null).GetNamespace("ns"));
    }

    /// <summary>A view whose misses the API server could not confirm.</summary>
    private sealed class Unconfirmed(TestCluster inner) : IClusterView
    {
        public GatewayInfo? GetGateway(string @namespace, string name) => inner.GetGateway(@namespace, name);

        public GatewayClassInfo? GetGatewayClass(string name) => inner.GetGatewayClass(name);

        public NamespaceInfo? GetNamespace(string name) => inner.GetNamespace(name);

        public bool IsUnconfirmedGateway(ObjectKey gateway) => true;

        public bool IsUnconfirmedNamespace(string name) => true;

        public IEnumerable<GatewayInfo> GatewaysOfClass(string className) => inner.GatewaysOfClass(className);
    }
}
