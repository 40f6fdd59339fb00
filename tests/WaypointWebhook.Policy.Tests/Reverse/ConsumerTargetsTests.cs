using WaypointWebhook.Policy.Model;
using WaypointWebhook.Policy.Resolution;
using static WaypointWebhook.Policy.Tests.Subjects;

namespace WaypointWebhook.Policy.Tests.Reverse;

/// <summary>ConsumerTargets: the Gateways a consumer's own labels name, the keys the index files it under.</summary>
public sealed class ConsumerTargetsTests
{
    private static readonly (string, string) Canary = ("istio.io/use-waypoint-canary", "v2");

    private static string[] Targets(EnrollingSubject subject) => ConsumerTargets.Of(subject).Select(k => k.ToString()).ToArray();

    [Fact]
    public void The_primary_in_the_consumers_namespace()
    {
        Assert.Equal(["app/wp"], Targets(Pod("app", "p", UseWaypoint("wp"))));
    }

    [Fact]
    public void The_primary_in_the_namespace_its_label_names()
    {
        Assert.Equal(["infra/wp"], Targets(Service("app", "s", UseWaypoint("wp"), UseWaypointNamespace("infra"))));
    }

    [Fact]
    public void A_Namespace_names_gateways_in_itself()
    {
        Assert.Equal(["app/wp"], Targets(Namespace("app", UseWaypoint("wp"))));
    }

    [Fact]
    public void The_canary_after_the_primary_in_its_own_namespace_label()
    {
        Assert.Equal(["app/v1", "infra/v2"], Targets(Service("app", "s", UseWaypoint("v1"), Canary, ("istio.io/use-waypoint-canary-namespace", "infra"))));
        Assert.Equal(["app/v2"], Targets(Service("app", "s", Canary)));
    }

    [Fact]
    public void Every_endpoint_of_a_ServiceEntry_each_Gateway_once()
    {
        var entry = ServiceEntry("app", "se", [UseWaypoint("a")], [UseWaypoint("b")], [UseWaypoint("a")], [UseWaypoint("b"), UseWaypointNamespace("infra")], []);

        Assert.Equal(["app/a", "app/b", "infra/b"], Targets(entry));
    }

    [Fact]
    public void A_canary_equal_to_the_primary_is_one_target()
    {
        Assert.Equal(["app/wp"], Targets(Service("app", "s", UseWaypoint("wp"), ("istio.io/use-waypoint-canary", "wp"))));
    }

    [Theory]
    [InlineData("istio.io/use-waypoint", "none")]
    [InlineData("istio.io/use-waypoint", "None")]
    [InlineData("istio.io/use-waypoint", "")]
    [InlineData("istio.io/use-waypoint", "bad_name")]
    [InlineData("istio.io/use-waypoint-canary", "none")]
    [InlineData("istio.io/use-waypoint-canary", "")]
    [InlineData("istio.io/use-waypoint-canary", "Bad")]
    public void A_value_that_names_no_gateway_is_no_target(string key, string value)
    {
        Assert.Empty(Targets(Service("app", "s", (key, value))));
    }

    [Fact]
    public void An_invalid_namespace_label_makes_its_reference_name_nothing()
    {
        Assert.Empty(Targets(Service("app", "s", UseWaypoint("wp"), UseWaypointNamespace("Bad_ns"))));
        Assert.Equal(["app/wp"], Targets(Service("app", "s", UseWaypoint("wp"), Canary, ("istio.io/use-waypoint-canary-namespace", "Bad_ns"))));
    }

    [Fact]
    public void A_WorkloadEntry_reads_spec_labels_under_metadata_labels()
    {
        Assert.Equal(["infra/wp"], Targets(WorkloadEntry("app", "vm", [UseWaypointNamespace("infra")], [UseWaypoint("wp"), UseWaypointNamespace("other")])));
    }

    [Fact]
    public void Whether_an_object_is_a_consumer_at_all()
    {
        Assert.True(ConsumerTargets.IsConsumer(Pod("app", "p", UseWaypoint("none"))));
        Assert.True(ConsumerTargets.IsConsumer(Service("app", "s", Canary)));
        Assert.True(ConsumerTargets.IsConsumer(ServiceEntry("app", "se", [], [UseWaypoint("wp")])));
        Assert.False(ConsumerTargets.IsConsumer(Service("app", "s", UseWaypointNamespace("infra"))));
        Assert.False(ConsumerTargets.IsConsumer(Pod("app", "p", ("app", "x"))));
    }
}
