using WaypointWebhook.Policy.Model;
using static WaypointWebhook.Policy.Tests.Reverse.ReverseFixtures;
using static WaypointWebhook.Policy.Tests.Subjects;

namespace WaypointWebhook.Policy.Tests.Reverse;

/// <summary>The reverse check on UPDATE and DELETE of a Gateway (spec section 7).</summary>
public sealed class GatewayChangeTests
{
    [Fact]
    public void Narrowing_waypoint_for_from_all_to_service_names_the_pods_it_unbinds()
    {
        var before = TestCluster.MakeGateway("default", "waypoint", "all");
        var after = TestCluster.MakeGateway("default", "waypoint", "service");
        var cluster = Cluster(before, "default").Consumer(Pods("default", "reviews", 3, "waypoint"));

        var decision = Warning.Review(Operation.Update, Gateway(after), Gateway(before), cluster);

        Assert.True(decision.Allowed);
        var warning = Assert.Single(decision.Warnings);
        Assert.Equal("R1", warning.Rule);
        Assert.Equal(
            "[UnsupportedTrafficType] this change unbinds 3 Pods in default (default/reviews-0, default/reviews-1, default/reviews-2): " +
            "they need workload traffic; keep istio.io/waypoint-for=all or move them to another waypoint",
            warning.Shown()[0]);
    }
}

file static class FindingText
{
    public static string[] Shown(this Finding finding) => new[] { finding }.Shown();
}
