using WaypointWebhook.Policy.Model;
using static WaypointWebhook.Policy.Tests.Reverse.ReverseFixtures;
using static WaypointWebhook.Policy.Tests.Subjects;

namespace WaypointWebhook.Policy.Tests.Reverse;

/// <summary>The reverse check on UPDATE and DELETE of a GatewayClass, and the stamped Gateways its label does not reach (spec section 7).</summary>
public sealed class GatewayClassChangeTests
{
    private static GatewayClassSubject Class(string? waypointFor, string controller = "istio.io/mesh-controller") =>
        new(new GatewayClassInfo("istio-waypoint", controller, waypointFor is null ? [] : new Dictionary<string, string> { ["istio.io/waypoint-for"] = waypointFor }, null));

    /// <summary>Two Gateways of class istio-waypoint without a label of their own, each with Pods, and a Gateway of another class.</summary>
    private static TestCluster Cluster(GatewayClassSubject gatewayClass) =>
        new TestCluster()
            .Class("istio-waypoint", gatewayClass.GatewayClass.ControllerName, new Dictionary<string, string>(gatewayClass.GatewayClass.Labels))
            .Class("istio", "istio.io/gateway-controller")
            .Namespace("default", AmbientLabels())
            .Waypoint("default", "a")
            .Waypoint("default", "b")
            .Waypoint("default", "ingress", className: "istio")
            .Consumer(Pods("default", "a", 2, "a"))
            .Consumer(Pods("default", "b", 1, "b"))
            .Consumer(Service("default", "front", UseWaypoint("ingress")));

    [Fact]
    public void Narrowing_the_class_label_unbinds_the_pods_of_every_Gateway_that_inherits_it()
    {
        var before = Class("all");

        var decision = Warning.Review(Operation.Update, Class("service"), before, Cluster(before));

        var warning = Assert.Single(decision.Warnings);
        Assert.Equal(("R1", "metadata.labels[istio.io/waypoint-for]"), (warning.Rule, warning.Field));
        Assert.Equal(
            "[UnsupportedTrafficType] this change unbinds 3 Pods in default (default/a-0, default/a-1, default/b-0): they need workload traffic; keep istio.io/waypoint-for=all or move them to another waypoint",
            Assert.Single(decision.Warnings.Shown()));
    }

    [Fact]
    public void A_Gateway_with_its_own_label_is_not_affected_by_the_class_label()
    {
        var before = Class("all");
        var cluster = Cluster(before).Gateway(Waypoint("default", "a", "all"));

        var decision = Warning.Review(Operation.Update, Class("service"), before, cluster);

        Assert.StartsWith("[UnsupportedTrafficType] this change unbinds 1 Pod in default (default/b-0)", Assert.Single(decision.Warnings.Shown()));
    }

    [Fact]
    public void A_controller_that_makes_no_waypoints_unbinds_every_consumer_of_the_class()
    {
        var before = Class("all");

        var decision = Warning.Review(Operation.Update, Class("all", "istio.io/gateway-controller"), before, Cluster(before));

        var warning = Assert.Single(decision.Warnings);
        Assert.Equal(("NotAWaypoint", "spec.controllerName"), (warning.Reason, warning.Field));
        Assert.StartsWith("this change unbinds 3 Pods in default (default/a-0, default/a-1, default/b-0): their Gateway is no longer a waypoint", warning.Message);
    }

    [Fact]
    public void Deleting_the_class_takes_its_label_away_from_its_Gateways()
    {
        // istio-waypoint is still a waypoint class by name, but its Gateways fall back to waypoint-for=service.
        var before = Class("all");

        var decision = Warning.Review(Operation.Delete, null, before, Cluster(before));

        Assert.Equal(["R1 UnsupportedTrafficType Warn metadata"], decision.Warnings.Summarize());
        Assert.StartsWith("this change unbinds 3 Pods in default", decision.Warnings[0].Message);
    }

    [Fact]
    public void A_binding_on_the_class_that_picks_a_stricter_listener_unbinds_other_namespaces()
    {
        var before = Class("all");
        var cluster = Cluster(before)
            .Namespace("app", AmbientLabels())
            .Gateway(Waypoint("default", "shared", null) with { Listeners = [TestCluster.Hbone with { Namespaces = FromAll }, new ListenerInfo("proxy", 15088, "istio.io/PROXY", FromSame)] })
            .Consumer(Pods("app", "p", 1, "shared", "default"));
        var after = new GatewayClassSubject(before.GatewayClass with { InboundBinding = "PROXY/15088" });

        var decision = Warning.Review(Operation.Update, after, before, cluster);

        Assert.StartsWith("[AttachmentDenied] this change unbinds 1 Pod in app (app/p-0)", Assert.Single(decision.Warnings.Shown()));
    }

    [Fact]
    public void Denying_mode_denies_the_class_change()
    {
        var before = Class("all");

        var decision = Denying.Review(Operation.Update, Class("service"), before, Cluster(before));

        Assert.Equal(["R1 UnsupportedTrafficType Deny metadata.labels[istio.io/waypoint-for]"], decision.Denials.Summarize());
    }

    [Fact]
    public void Setting_the_class_label_warns_about_the_Gateways_whose_label_the_mutation_stamped()
    {
        var before = Class(null);
        var stamped = Waypoint("default", "stamped", "service") with { Defaulted = "istio.io/waypoint-for" };
        var cluster = Cluster(before)
            .Gateway(stamped)
            .Gateway(Waypoint("default", "chosen", "service"))
            .Gateway(Waypoint("kube-system", "stamped", "service") with { Defaulted = "waypoint-for" });

        var decision = Warning.Review(Operation.Update, Class("all"), before, cluster);

        var warning = Assert.Single(decision.Warnings);
        Assert.Equal(("R2", Verdict.Warn, "metadata.labels[istio.io/waypoint-for]"), (warning.Rule, warning.Verdict, warning.Field));
        Assert.Equal(
            "[IgnoredLabel] GatewayClass istio-waypoint: istio.io/waypoint-for=all does not reach 1 Gateway whose label the mutation stamped " +
            "(default/stamped): they keep service; remove their label to inherit the class's",
            Assert.Single(decision.Warnings.Shown()));
    }

    [Fact]
    public void The_stamped_Gateways_warning_stays_a_warning_in_deny_mode_and_counts_them()
    {
        var before = Class("workload");
        var cluster = Cluster(before);
        foreach (var name in new[] { "s1", "s2", "s3", "s4", "s5", "s6" })
        {
            cluster.Gateway(Waypoint("default", name, "service") with { Defaulted = "waypoint-for" });
        }

        var decision = Denying.Review(Operation.Update, Class("all"), before, cluster);

        Assert.True(decision.Allowed);
        var stampedWarning = Assert.Single(decision.Warnings, w => w.Rule == "R2");
        Assert.Contains("does not reach 6 Gateways whose label the mutation stamped", stampedWarning.Message);
        Assert.Contains("(default/s1, default/s2, default/s3, default/s4, default/s5, …)", stampedWarning.Message);
        Assert.True(stampedWarning.Message.Length + "[IgnoredLabel] ".Length <= AnswerBounds.MaxWarningLength);
    }

    [Theory]
    [InlineData("all", "all")]
    [InlineData("all", null)]
    [InlineData(null, "service")]
    public void No_stamp_warning_when_the_class_label_is_unchanged_removed_or_equal_to_the_stamp(string? before, string? after)
    {
        var cluster = Cluster(Class(before)).Gateway(Waypoint("default", "stamped", "service") with { Defaulted = "waypoint-for" });

        var decision = Warning.Review(Operation.Update, Class(after), Class(before), cluster);

        Assert.DoesNotContain(decision.Warnings, w => w.Rule == "R2");
    }
}
