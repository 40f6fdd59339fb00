using WaypointWebhook.Policy.Model;
using static WaypointWebhook.Policy.Tests.Reverse.ReverseFixtures;
using static WaypointWebhook.Policy.Tests.Subjects;

namespace WaypointWebhook.Policy.Tests.Reverse;

/// <summary>The reverse check on UPDATE and DELETE of a Gateway (spec section 7): every kind of change, with exact counts, names and reasons.</summary>
public sealed class GatewayChangeTests
{
    private const string TrafficFix = "they need workload traffic; keep istio.io/waypoint-for=all or move them to another waypoint";

    private const string AttachmentFix =
        "the waypoint's allowedRoutes no longer admit their namespace; admit it (from: All, or a Selector that matches it) or move them to another waypoint";

    [Fact]
    public void Narrowing_waypoint_for_from_all_to_service_names_the_pods_it_unbinds_and_not_the_service_it_keeps()
    {
        var before = Waypoint("default", "waypoint", "all");
        var cluster = Cluster(before, "default")
            .Consumer(Pods("default", "reviews", 3, "waypoint"))
            .Consumer(Service("default", "reviews", UseWaypoint("waypoint")));

        var decision = Warning.Review(Operation.Update, Gateway(Waypoint("default", "waypoint", "service")), Gateway(before), cluster);

        Assert.True(decision.Allowed);
        var warning = Assert.Single(decision.Warnings);
        Assert.Equal(("R1", Verdict.Warn, "metadata.labels[istio.io/waypoint-for]"), (warning.Rule, warning.Verdict, warning.Field));
        Assert.Equal(
            $"[UnsupportedTrafficType] this change unbinds 3 Pods in default (default/reviews-0, default/reviews-1, default/reviews-2): {TrafficFix}",
            Assert.Single(decision.Warnings.Shown()));
    }

    [Fact]
    public void Widening_waypoint_for_unbinds_nothing()
    {
        var before = Waypoint("default", "waypoint", "service");
        var cluster = Cluster(before, "default")
            .Consumer(Pods("default", "reviews", 3, "waypoint"))
            .Consumer(Service("default", "reviews", UseWaypoint("waypoint")));

        var decision = Warning.Review(Operation.Update, Gateway(Waypoint("default", "waypoint", "all")), Gateway(before), cluster);

        Assert.Same(PolicyDecision.Allow, decision);
    }

    [Fact]
    public void A_waypoint_for_that_accepts_nothing_unbinds_services_and_pods_alike()
    {
        var before = Waypoint("default", "waypoint", "all");
        var cluster = Cluster(before, "default")
            .Consumer(Pods("default", "p", 2, "waypoint"))
            .Consumer(Service("default", "s", UseWaypoint("waypoint")));

        // "Service" is not "service": the waypoint accepts no traffic (G1 denies the Gateway itself; the reverse check names what it breaks).
        var decision = Warning.Review(Operation.Update, Gateway(Waypoint("default", "waypoint", "Service")), Gateway(before), cluster);

        Assert.Equal(["G1 InvalidTrafficType Deny metadata.labels[istio.io/waypoint-for]"], decision.Denials.Summarize());
        Assert.Equal(
            "[UnsupportedTrafficType] this change unbinds 2 Pods and 1 Service in default (default/p-0, default/p-1, default/s): " +
            "they need service and workload traffic; keep istio.io/waypoint-for=all or move them to another waypoint",
            Assert.Single(decision.Warnings.Shown()));
    }

    [Fact]
    public void Tightening_from_All_to_Same_unbinds_the_consumers_of_other_namespaces_only()
    {
        var before = Waypoint("infra", "shared", "all", FromAll);
        var cluster = Cluster(before, "infra", "app")
            .Consumer(Service("app", "reviews", Reference("shared", "infra")))
            .Consumer(Pods("infra", "local", 2, "shared"));

        var decision = Warning.Review(Operation.Update, Gateway(Waypoint("infra", "shared", "all", FromSame)), Gateway(before), cluster);

        var warning = Assert.Single(decision.Warnings);
        Assert.Equal(("R1", "spec.listeners"), (warning.Rule, warning.Field));
        Assert.Equal($"[AttachmentDenied] this change unbinds 1 Service in app (app/reviews): {AttachmentFix}", Assert.Single(decision.Warnings.Shown()));
    }

    [Fact]
    public void Loosening_from_Same_to_All_unbinds_nothing()
    {
        var before = Waypoint("infra", "shared", "all", FromSame);
        var cluster = Cluster(before, "infra", "app").Consumer(Service("app", "reviews", Reference("shared", "infra")));

        var decision = Warning.Review(Operation.Update, Gateway(Waypoint("infra", "shared", "all", FromAll)), Gateway(before), cluster);

        Assert.Same(PolicyDecision.Allow, decision);
    }

    [Fact]
    public void Changing_the_selector_unbinds_the_namespaces_it_no_longer_matches()
    {
        var before = Waypoint("infra", "shared", "all", Selecting("team", "a"));
        var cluster = Cluster(before, "infra")
            .Namespace("app-a", AmbientLabels(("team", "a")))
            .Namespace("app-b", AmbientLabels(("team", "b")))
            .Consumer(Pods("app-a", "a", 2, "shared", "infra"))
            .Consumer(Pods("app-b", "b", 1, "shared", "infra"));

        var decision = Warning.Review(Operation.Update, Gateway(Waypoint("infra", "shared", "all", Selecting("team", "b"))), Gateway(before), cluster);

        Assert.Equal($"[AttachmentDenied] this change unbinds 2 Pods in app-a (app-a/a-0, app-a/a-1): {AttachmentFix}", Assert.Single(decision.Warnings.Shown()));
    }

    [Fact]
    public void Removing_the_HBONE_listener_leaves_Same_and_unbinds_other_namespaces()
    {
        var before = Waypoint("infra", "shared", "all", FromAll);
        var after = before with { Listeners = [new ListenerInfo("http", 8080, "HTTP", FromAll)] };
        var cluster = Cluster(before, "infra", "app").Consumer(Pods("app", "p", 1, "shared", "infra"));

        var decision = Warning.Review(Operation.Update, Gateway(after), Gateway(before), cluster);

        // The Gateway's own G3 (a mesh waypoint without its one HBONE listener) comes first, then what the change breaks.
        Assert.Equal(["G3", "R1"], decision.Warnings.Select(w => w.Rule));
        Assert.Equal($"[AttachmentDenied] this change unbinds 1 Pod in app (app/p-0): {AttachmentFix}", decision.Warnings.Shown()[1]);
    }

    [Fact]
    public void A_binding_annotation_that_picks_a_stricter_listener_unbinds_other_namespaces()
    {
        var proxy = new ListenerInfo("proxy", 15088, "istio.io/PROXY", FromSame);
        var before = Waypoint("infra", "shared", "all", FromAll) with { Listeners = [TestCluster.Hbone with { Namespaces = FromAll }, proxy] };
        var after = before with { InboundBinding = "PROXY/15088" };
        var cluster = Cluster(before, "infra", "app").Consumer(Service("app", "s", Reference("shared", "infra")));

        var decision = Warning.Review(Operation.Update, Gateway(after), Gateway(before), cluster);

        Assert.Equal(["G3", "R1"], decision.Warnings.Select(w => w.Rule));
        Assert.Equal($"[AttachmentDenied] this change unbinds 1 Service in app (app/s): {AttachmentFix}", decision.Warnings.Shown()[1]);
    }

    [Fact]
    public void Changing_the_class_to_an_ingress_class_unbinds_every_consumer()
    {
        var before = Waypoint("default", "waypoint", "all");
        var cluster = Cluster(before, "default")
            .Consumer(Pods("default", "p", 1, "waypoint"))
            .Consumer(Service("default", "s", UseWaypoint("waypoint")));

        var decision = Warning.Review(Operation.Update, Gateway(before with { ClassName = "istio" }), Gateway(before), cluster);

        var warning = Assert.Single(decision.Warnings);
        Assert.Equal(("R1", "spec.gatewayClassName"), (warning.Rule, warning.Field));
        Assert.Equal(
            "[NotAWaypoint] this change unbinds 1 Pod and 1 Service in default (default/p-0, default/s): " +
            "their Gateway is no longer a waypoint; keep a waypoint class (istio-waypoint) or move them to another waypoint",
            Assert.Single(decision.Warnings.Shown()));
    }

    [Fact]
    public void Changing_the_class_to_one_of_an_unknown_controller_reports_nothing_as_it_may_be_a_third_party_waypoint()
    {
        var before = Waypoint("default", "waypoint", "all");
        var cluster = Cluster(before, "default").Class("vendor", "example.com/waypoints").Consumer(Pods("default", "p", 2, "waypoint"));

        var decision = Warning.Review(Operation.Update, Gateway(before with { ClassName = "vendor" }), Gateway(before), cluster);

        Assert.Same(PolicyDecision.Allow, decision);
    }

    [Fact]
    public void Deleting_the_Gateway_unbinds_every_consumer_and_names_them()
    {
        var gateway = Waypoint("default", "waypoint", "all");
        var cluster = Cluster(gateway, "default")
            .Consumer(Pods("default", "p", 2, "waypoint"))
            .Consumer(ServiceEntry("default", "api", [UseWaypoint("waypoint")]))
            .Consumer(WorkloadEntry("default", "vm", [UseWaypoint("waypoint")], []));

        var decision = Warning.Review(Operation.Delete, null, Gateway(gateway), cluster);

        var warning = Assert.Single(decision.Warnings);
        Assert.Equal(("R1", "metadata"), (warning.Rule, warning.Field));
        Assert.Equal(
            "[WaypointIsNotReady] this change unbinds 2 Pods, 1 ServiceEntry and 1 WorkloadEntry in default (default/api, default/p-0, default/p-1, default/vm): " +
            "their waypoint would no longer exist or be programmed; keep it or move them to another waypoint",
            Assert.Single(decision.Warnings.Shown()));
    }

    [Fact]
    public void A_change_that_unbinds_nothing_warns_nothing()
    {
        var before = Waypoint("default", "waypoint", "all");
        var after = before with { Labels = new Dictionary<string, string>(before.Labels) { ["team"] = "platform" } };
        var cluster = Cluster(before, "default").Consumer(Pods("default", "p", 3, "waypoint"));

        Assert.Same(PolicyDecision.Allow, Warning.Review(Operation.Update, Gateway(after), Gateway(before), cluster));
    }

    [Fact]
    public void Removing_the_ambient_label_of_a_sandwich_gateway_unbinds_its_consumers()
    {
        // An ingress-class Gateway is a waypoint only while it is a sandwich (spec section 3).
        var before = Waypoint("default", "sandwich", "all", className: "istio") with
        {
            Labels = new Dictionary<string, string> { ["istio.io/waypoint-for"] = "all", ["istio.io/dataplane-mode"] = "ambient" },
        };
        var cluster = Cluster(before, "default").Consumer(Service("default", "s", UseWaypoint("sandwich")));

        var decision = Warning.Review(Operation.Update, Gateway(before with { Labels = new Dictionary<string, string> { ["istio.io/waypoint-for"] = "all" } }), Gateway(before), cluster);

        Assert.StartsWith("[NotAWaypoint] this change unbinds 1 Service in default (default/s)", Assert.Single(decision.Warnings.Shown()));
    }

    [Fact]
    public void Renaming_a_listener_unbinds_nothing()
    {
        var before = Waypoint("infra", "shared", "all", FromAll);
        var cluster = Cluster(before, "infra", "app").Consumer(Pods("app", "p", 2, "shared", "infra"));

        var decision = Warning.Review(Operation.Update, Gateway(before with { Listeners = [TestCluster.Hbone with { Name = "renamed", Namespaces = FromAll }] }), Gateway(before), cluster);

        Assert.Same(PolicyDecision.Allow, decision);
    }

    [Fact]
    public void A_consumer_unbound_before_the_change_is_not_reported()
    {
        // The Pods were never bound (a service-only waypoint); making it accept nothing unbinds the Service only.
        var before = Waypoint("default", "waypoint", "service");
        var cluster = Cluster(before, "default")
            .Consumer(Pods("default", "p", 4, "waypoint"))
            .Consumer(Service("default", "s", UseWaypoint("waypoint")));

        var decision = Warning.Review(Operation.Update, Gateway(Waypoint("default", "waypoint", "none")), Gateway(before), cluster);

        Assert.Equal(
            "[UnsupportedTrafficType] this change unbinds 1 Service in default (default/s): they need service traffic; keep istio.io/waypoint-for=all or move them to another waypoint",
            Assert.Single(decision.Warnings.Shown()));
    }

    [Fact]
    public void One_warning_per_reason_in_istiods_order_of_checks()
    {
        // Tightening to Same and narrowing at once: other namespaces' Pods fail attachment first (istiod checks it first),
        // the Pods of its own namespace fail the traffic type.
        var before = Waypoint("infra", "shared", "all", FromAll);
        var cluster = Cluster(before, "infra", "app")
            .Consumer(Pods("app", "remote", 1, "shared", "infra"))
            .Consumer(Pods("infra", "local", 1, "shared"));

        var decision = Warning.Review(Operation.Update, Gateway(Waypoint("infra", "shared", "service", FromSame)), Gateway(before), cluster);

        Assert.Equal(
            [
                $"[AttachmentDenied] this change unbinds 1 Pod in app (app/remote-0): {AttachmentFix}",
                $"[UnsupportedTrafficType] this change unbinds 1 Pod in infra (infra/local-0): {TrafficFix}",
            ],
            decision.Warnings.Shown());
    }

    [Fact]
    public void At_most_five_names_sorted_then_an_ellipsis_and_no_namespace_when_they_are_in_several()
    {
        var before = Waypoint("infra", "shared", "all", FromAll);
        var cluster = Cluster(before, "infra", "b", "a")
            .Consumer(Pods("b", "p", 4, "shared", "infra"))
            .Consumer(Pods("a", "p", 3, "shared", "infra"));

        var decision = Warning.Review(Operation.Update, Gateway(Waypoint("infra", "shared", "all", FromSame)), Gateway(before), cluster);

        Assert.Equal($"[AttachmentDenied] this change unbinds 7 Pods (a/p-0, a/p-1, a/p-2, b/p-0, b/p-1, …): {AttachmentFix}", Assert.Single(decision.Warnings.Shown()));
    }

    [Fact]
    public void Ten_thousand_consumers_are_counted_and_the_warning_stays_within_256_characters()
    {
        var before = Waypoint("default", "waypoint", "all");
        var longName = "reviews-v2-" + new string('x', 200);
        var cluster = Cluster(before, "default").Consumer(Pods("default", longName, 10_000, "waypoint"));

        var decision = Warning.Review(Operation.Update, Gateway(Waypoint("default", "waypoint", "service")), Gateway(before), cluster);

        var shown = Assert.Single(decision.Warnings.Shown());
        Assert.True(shown.Length <= AnswerBounds.MaxWarningLength, $"{shown.Length}: {shown}");
        Assert.StartsWith("[UnsupportedTrafficType] this change unbinds 10000 Pods in default (default/reviews-v2-xxx", shown);
        Assert.EndsWith($"…, …): {TrafficFix}", shown);
    }

    [Fact]
    public void Pods_made_by_a_controller_are_reported_too()
    {
        var before = Waypoint("default", "waypoint", "all");
        var cluster = Cluster(before, "default").Consumer(Pods("default", "p", 2, "waypoint").Select(p => p with { MadeByController = true }).ToArray());

        var decision = Warning.Review(Operation.Update, Gateway(Waypoint("default", "waypoint", "service")), Gateway(before), cluster);

        Assert.Equal($"[UnsupportedTrafficType] this change unbinds 2 Pods in default (default/p-0, default/p-1): {TrafficFix}", Assert.Single(decision.Warnings.Shown()));
    }

    [Fact]
    public void Narrowing_a_namespace_waypoint_to_workload_unbinds_the_Namespace_whose_Services_lose_it()
    {
        var before = Waypoint("infra", "shared", "all", FromAll);
        var cluster = Cluster(before, "infra")
            .Consumer(Namespace("app", Ambient, UseWaypoint("shared"), UseWaypointNamespace("infra")))
            .Consumer(Namespace("web", Ambient, UseWaypoint("shared"), UseWaypointNamespace("infra")))
            .Consumer(Pods("app", "p", 1, "shared", "infra"));

        var decision = Warning.Review(Operation.Update, Gateway(Waypoint("infra", "shared", "workload", FromAll)), Gateway(before), cluster);

        // The Pod keeps the waypoint (workload traffic); the Namespaces' Services do not (W9).
        Assert.Equal(
            "[UnsupportedTrafficType] this change unbinds 2 Namespaces (app, web): they need service traffic; keep istio.io/waypoint-for=all or move them to another waypoint",
            Assert.Single(decision.Warnings.Shown()));
    }

    [Fact]
    public void A_consumer_that_names_the_Gateway_twice_is_counted_once()
    {
        var before = Waypoint("default", "waypoint", "all");
        var cluster = Cluster(before, "default")
            .Consumer(ServiceEntry("default", "api", [UseWaypoint("waypoint")], [UseWaypoint("waypoint")], [UseWaypoint("waypoint")]));

        var decision = Warning.Review(Operation.Update, Gateway(Waypoint("default", "waypoint", "service")), Gateway(before), cluster);

        // Its endpoints need workload traffic: the ServiceEntry loses the waypoint for them.
        Assert.Equal($"[UnsupportedTrafficType] this change unbinds 1 ServiceEntry in default (default/api): {TrafficFix}", Assert.Single(decision.Warnings.Shown()));
    }
}
