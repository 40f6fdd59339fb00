using WaypointWebhook.Policy.Model;
using static WaypointWebhook.Policy.Tests.Reverse.ReverseFixtures;
using static WaypointWebhook.Policy.Tests.Subjects;

namespace WaypointWebhook.Policy.Tests.Reverse;

/// <summary>
/// Consumers that name the changed Gateway as their canary: C3 (the canary fails, istiod keeps the primary) does not
/// unbind; C4 (the canary is certainly no waypoint: a share of connections would go to a gateway) does.
/// </summary>
public sealed class CanaryConsumerTests
{
    private static readonly GatewayInfo Canary = Waypoint("default", "v2", "all");

    private static TestCluster WithCanaryConsumer() =>
        Cluster(Canary, "default")
            .Waypoint("default", "v1", "all")
            .Consumer(Service("default", "reviews", UseWaypoint("v1"), ("istio.io/use-waypoint-canary", "v2")));

    [Fact]
    public void A_canary_that_no_longer_accepts_service_traffic_unbinds_nothing()
    {
        var decision = Warning.Review(Operation.Update, Gateway(Waypoint("default", "v2", "workload")), Gateway(Canary), WithCanaryConsumer());

        Assert.Same(PolicyDecision.Allow, decision);
    }

    [Fact]
    public void A_deleted_canary_unbinds_nothing()
    {
        Assert.Same(PolicyDecision.Allow, Warning.Review(Operation.Delete, null, Gateway(Canary), WithCanaryConsumer()));
    }

    [Fact]
    public void A_canary_whose_class_becomes_an_ingress_class_is_reported()
    {
        var decision = Warning.Review(Operation.Update, Gateway(Canary with { ClassName = "istio" }), Gateway(Canary), WithCanaryConsumer());

        Assert.Equal(
            "[NotAWaypoint] this change unbinds 1 Service in default (default/reviews): their Gateway is no longer a waypoint; keep a waypoint class (istio-waypoint) or move them to another waypoint",
            Assert.Single(decision.Warnings.Shown()));
    }
}
