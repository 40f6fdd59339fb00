using WaypointWebhook.Policy.Model;
using static WaypointWebhook.Policy.Tests.Reverse.ReverseFixtures;
using static WaypointWebhook.Policy.Tests.Subjects;

namespace WaypointWebhook.Policy.Tests.Reverse;

/// <summary>The reverse check on UPDATE of a Namespace's labels: the consumers in it, not the Namespace itself (spec section 7).</summary>
public sealed class NamespaceChangeTests
{
    private static readonly (string, string) Team = ("team", "a");

    /// <summary>A waypoint in infra admitting namespaces labelled team=a; namespace app with that label and two Pods on it.</summary>
    private static TestCluster Cluster() =>
        ReverseFixtures.Cluster(Waypoint("infra", "shared", "all", Selecting("team", "a")), "infra")
            .Namespace("app", AmbientLabels(Team))
            .Consumer(Pods("app", "p", 2, "shared", "infra"));

    [Fact]
    public void Removing_the_label_a_Selector_reads_unbinds_the_consumers_in_the_namespace()
    {
        var decision = Warning.Review(Operation.Update, Namespace("app", Ambient), Namespace("app", Ambient, Team), Cluster());

        var warning = Assert.Single(decision.Warnings);
        Assert.Equal(("R1", "metadata.labels"), (warning.Rule, warning.Field));
        Assert.Equal(
            "[AttachmentDenied] this change unbinds 2 Pods in app (app/p-0, app/p-1): the waypoint's allowedRoutes no longer admit their namespace; admit it (from: All, or a Selector that matches it) or move them to another waypoint",
            Assert.Single(decision.Warnings.Shown()));
    }

    [Fact]
    public void Removing_the_ambient_label_leaves_the_pods_uncaptured()
    {
        var cluster = Cluster().Consumer(Service("app", "s", UseWaypoint("shared"), UseWaypointNamespace("infra")));

        var decision = Warning.Review(Operation.Update, Namespace("app", Team), Namespace("app", Ambient, Team), cluster);

        // The Service keeps its waypoint: ambient capture is about workloads (W11).
        Assert.Equal(
            "[NotInAmbient] this change unbinds 2 Pods in app (app/p-0, app/p-1): their namespace leaves ambient mode and ztunnel no longer captures their traffic; keep istio.io/dataplane-mode=ambient",
            Assert.Single(decision.Warnings.Shown()));
    }

    [Fact]
    public void Adding_the_label_a_Selector_reads_unbinds_nothing()
    {
        var cluster = ReverseFixtures.Cluster(Waypoint("infra", "shared", "all", Selecting("team", "a")), "infra")
            .Namespace("app", AmbientLabels())
            .Consumer(Pods("app", "p", 2, "shared", "infra"));

        Assert.Same(PolicyDecision.Allow, Warning.Review(Operation.Update, Namespace("app", Ambient, Team), Namespace("app", Ambient), cluster));
    }

    [Fact]
    public void The_Namespace_itself_is_judged_by_the_forward_rules_and_only_the_others_are_reported()
    {
        var old = Namespace("app", Ambient, Team, UseWaypoint("shared"), UseWaypointNamespace("infra"));
        var cluster = Cluster().Namespace("app", AmbientLabels(Team, UseWaypoint("shared"), UseWaypointNamespace("infra"))).Consumer(old);

        var decision = Warning.Review(Operation.Update, Namespace("app", Ambient, UseWaypoint("shared"), UseWaypointNamespace("infra")), old, cluster);

        // Its own label change broke its Selector attachment: its W8 denies (spec section 5).
        Assert.Equal(["W8 AttachmentDenied Deny metadata.labels[istio.io/use-waypoint]"], decision.Denials.Summarize());
        Assert.StartsWith("[AttachmentDenied] this change unbinds 2 Pods in app (app/p-0, app/p-1)", Assert.Single(decision.Warnings.Shown()));
    }

    [Fact]
    public void Changing_the_namespace_waypoint_unbinds_the_Services_that_inherit_it_and_carry_a_canary()
    {
        // A Service with its own canary but no primary of its own is indexed, and inherits the namespace's primary.
        var cluster = ReverseFixtures.Cluster(Waypoint("app", "shared", "all"), "app")
            .Waypoint("app", "v2", "all")
            .Consumer(Service("app", "reviews", ("istio.io/use-waypoint-canary", "v2")));

        var decision = Warning.Review(Operation.Update, Namespace("app", Ambient, UseWaypoint("gone")), Namespace("app", Ambient, UseWaypoint("shared")), cluster);

        Assert.Equal(["W5 WaypointIsNotReady Warn metadata.labels[istio.io/use-waypoint]", "R1 WaypointIsNotReady Warn metadata.labels"], decision.Warnings.Summarize());
        Assert.StartsWith("this change unbinds 1 Service in app (app/reviews): their waypoint would no longer exist", decision.Warnings[1].Message);
    }

    [Fact]
    public void A_label_that_gives_the_namespace_NAMESPACE_visibility_unbinds_its_cross_namespace_ServiceEntries()
    {
        var visibility = new Resolution.ServiceEntryVisibility(
            Resolution.ServiceEntryVisibility.Public,
            [new Resolution.VisibilityPolicy(Resolution.ServiceEntryVisibility.Namespace, Selecting("visibility", "private").Selector)]);
        var policy = new WaypointPolicy(new Configuration.PolicyOptions { ServiceEntryVisibility = visibility });
        var cluster = ReverseFixtures.Cluster(Waypoint("infra", "shared", "all", FromAll), "infra", "app")
            .Consumer(ServiceEntry("app", "api", [UseWaypoint("shared"), UseWaypointNamespace("infra")]))
            .Consumer(Service("app", "s", UseWaypoint("shared"), UseWaypointNamespace("infra")));

        var decision = policy.Review(Operation.Update, Namespace("app", Ambient, ("visibility", "private")), Namespace("app", Ambient), cluster);

        // The Service is not a ServiceEntry: visibility does not apply to it.
        Assert.Equal(
            "[CrossNamespaceWaypointForbidden] this change unbinds 1 ServiceEntry in app (app/api): ServiceEntries with NAMESPACE visibility may not use a waypoint in another namespace; give them one in their own",
            Assert.Single(decision.Warnings.Shown()));
    }

    [Fact]
    public void A_Namespace_update_that_keeps_its_labels_runs_no_reverse_check()
    {
        var same = Namespace("app", Ambient, Team);

        Assert.Same(PolicyDecision.Allow, Denying.Review(Operation.Update, same with { Annotations = new Dictionary<string, string> { ["x"] = "y" } }, same, Cluster()));
    }

    [Fact]
    public void An_excluded_Namespace_is_not_checked()
    {
        var cluster = ReverseFixtures.Cluster(Waypoint("infra", "shared", "all", Selecting("team", "a")), "infra")
            .Namespace("kube-system", AmbientLabels(Team))
            .Consumer(Pods("kube-system", "p", 2, "shared", "infra"));

        Assert.Same(PolicyDecision.Allow, Denying.Review(Operation.Update, Namespace("kube-system", Ambient), Namespace("kube-system", Ambient, Team), cluster));
    }

    [Fact]
    public void Deny_mode_denies_the_label_change()
    {
        var decision = Denying.Review(Operation.Update, Namespace("app", Ambient), Namespace("app", Ambient, Team), Cluster());

        Assert.Equal(["R1 AttachmentDenied Deny metadata.labels"], decision.Denials.Summarize());
    }
}
