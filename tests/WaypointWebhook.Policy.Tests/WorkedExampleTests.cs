using WaypointWebhook.Policy.Model;
using static WaypointWebhook.Policy.Tests.Subjects;

namespace WaypointWebhook.Policy.Tests;

/// <summary>Section 9 of the spec (version 2), one test per row; the last row (the reverse check, section 7) is another issue.</summary>
public sealed class WorkedExampleTests
{
    private static TestCluster Cluster() =>
        TestCluster.WithIstioClasses().Namespace("default", Map([Ambient])).Namespace("app", Map([Ambient])).Namespace("infra", Map([Ambient]));

    private static PolicyDecision Create(Subject subject, TestCluster cluster) =>
        PolicyAssertions.Policy.Review(Operation.Create, subject, null, cluster);

    [Fact]
    public void Pod_on_default_service_only_waypoint_is_denied()
    {
        var decision = Create(Pod("default", "p", UseWaypoint("waypoint")), Cluster().Waypoint("default", "waypoint"));

        Assert.False(decision.Allowed);
        Assert.Equal(["W7 UnsupportedTrafficType Deny metadata.labels[istio.io/use-waypoint]"], decision.Denials.Summarize());
        Assert.Empty(decision.Warnings);
        Assert.Contains("handles only service traffic (istio.io/waypoint-for=service, the default)", decision.Denials[0].Message);
        Assert.Contains("istioctl waypoint apply -n default --name waypoint --for all", decision.Denials[0].Message);
    }

    [Fact]
    public void Service_on_default_waypoint_is_allowed()
    {
        var decision = Create(Service("default", "reviews", UseWaypoint("waypoint")), Cluster().Waypoint("default", "waypoint"));

        Assert.True(decision.Allowed);
        Assert.Empty(decision.Warnings);
    }

    [Fact]
    public void Service_on_workload_waypoint_is_denied()
    {
        var decision = Create(Service("default", "s", UseWaypoint("wl")), Cluster().Waypoint("default", "wl", waypointFor: "workload"));

        Assert.Equal(["W7 UnsupportedTrafficType Deny metadata.labels[istio.io/use-waypoint]"], decision.Denials.Summarize());
        Assert.Contains("handles only workload traffic (istio.io/waypoint-for=workload)", decision.Denials[0].Message);
        Assert.Contains("a Service needs service traffic", decision.Denials[0].Message);
    }

    [Fact]
    public void Cross_namespace_reference_without_allowed_routes_is_denied_as_Same()
    {
        var subject = ServiceEntry("app", "x", [UseWaypoint("egress"), UseWaypointNamespace("infra")]);

        var decision = Create(subject, Cluster().Waypoint("infra", "egress"));

        Assert.Equal(["W8 AttachmentDenied Deny metadata.labels[istio.io/use-waypoint]"], decision.Denials.Summarize());
        Assert.Contains("namespace app may not use it", decision.Denials[0].Message);
        Assert.Contains("defaults to Same", decision.Denials[0].Message);
    }

    [Fact]
    public void Cross_namespace_reference_admitted_by_selector_on_namespace_name_is_allowed()
    {
        var routes = new RouteNamespaces("Selector", new LabelSelector(new Dictionary<string, string?> { ["kubernetes.io/metadata.name"] = "app" }, null));
        var subject = ServiceEntry("app", "x", [UseWaypoint("egress"), UseWaypointNamespace("infra")]);

        // No Namespace object for app: kubernetes.io/metadata.name is still there.
        var decision = Create(subject, TestCluster.WithIstioClasses().Waypoint("infra", "egress", routes: routes));

        Assert.True(decision.Allowed);
        Assert.Empty(decision.Warnings);
    }

    [Fact]
    public void Missing_waypoint_warns()
    {
        var decision = Create(Service("default", "s", UseWaypoint("later")), Cluster());

        Assert.True(decision.Allowed);
        Assert.Equal(["W5 WaypointIsNotReady Warn metadata.labels[istio.io/use-waypoint]"], decision.Warnings.Summarize());
        Assert.Contains("default/later", decision.Warnings[0].Message);
    }

    [Fact]
    public void Ingress_gateway_is_not_a_waypoint()
    {
        var cluster = Cluster().Waypoint("default", "ingress", className: "istio", listeners: [new ListenerInfo("http", 80, "HTTP", null)]);

        var decision = Create(Service("default", "s", UseWaypoint("ingress")), cluster);

        Assert.Equal(["W6 NotAWaypoint Deny metadata.labels[istio.io/use-waypoint]"], decision.Denials.Summarize());
        Assert.Contains("of class \"istio\" (controller istio.io/gateway-controller)", decision.Denials[0].Message);
        Assert.Empty(decision.Warnings);
    }

    [Fact]
    public void Capitalized_None_is_an_invalid_name_and_suggests_none()
    {
        var decision = Create(Pod("default", "p", UseWaypoint("None")), Cluster());

        Assert.Equal(["W1 InvalidLabelValue Deny metadata.labels[istio.io/use-waypoint]"], decision.Denials.Summarize());
        Assert.Contains("exact lowercase value \"none\"", decision.Denials[0].Message);
    }

    [Fact]
    public void Namespace_on_workload_only_waypoint_warns()
    {
        var cluster = Cluster().Waypoint("infra", "shared", waypointFor: "workload", routes: new RouteNamespaces("All", null));

        var decision = Create(Namespace("app", UseWaypoint("shared"), UseWaypointNamespace("infra"), Ambient), cluster);

        Assert.True(decision.Allowed);
        Assert.Equal(["W9 UnsupportedTrafficType Warn metadata.labels[istio.io/use-waypoint]"], decision.Warnings.Summarize());
        Assert.Contains("Services in app will not use it", decision.Warnings[0].Message);
    }

    [Fact]
    public void Waypoint_gateway_without_traffic_type_gets_service()
    {
        var gateway = TestCluster.MakeGateway("default", "waypoint", addresses: null);

        var value = PolicyAssertions.Policy.DefaultTrafficType(Operation.Create, new GatewaySubject(gateway), Cluster());

        Assert.Equal("service", value);
    }

    [Fact]
    public void Controller_made_pod_on_service_only_waypoint_is_allowed_with_a_warning()
    {
        var pod = Pod("default", "p-7d4f9", UseWaypoint("waypoint")) with { MadeByController = true };

        var decision = Create(pod, Cluster().Waypoint("default", "waypoint"));

        Assert.True(decision.Allowed);
        Assert.Equal(["W7 UnsupportedTrafficType Warn metadata.labels[istio.io/use-waypoint]"], decision.Warnings.Summarize());
    }

    [Fact]
    public void Binding_none_falls_back_to_the_hbone_listener()
    {
        var cluster = Cluster().Waypoint("infra", "wp", routes: new RouteNamespaces("All", null), inboundBinding: "NONE");

        Assert.Same(PolicyDecision.Allow, Create(Service("app", "s", UseWaypoint("wp"), UseWaypointNamespace("infra")), cluster));
    }

    [Fact]
    public void Ingress_gateway_labelled_ambient_is_a_sandwich_waypoint()
    {
        var gateway = TestCluster.MakeGateway("default", "ingress", className: "istio", labels: new() { ["istio.io/dataplane-mode"] = "ambient" });

        Assert.Same(PolicyDecision.Allow, Create(Service("default", "s", UseWaypoint("ingress")), Cluster().Gateway(gateway)));
    }

    [Fact]
    public void Service_inheriting_a_workload_only_namespace_waypoint_warns_w12()
    {
        var cluster = Cluster().Waypoint("infra", "shared", waypointFor: "workload", routes: new RouteNamespaces("All", null))
            .Namespace("app", Map([Ambient, UseWaypoint("shared"), UseWaypointNamespace("infra")]));

        var decision = Create(Service("app", "s"), cluster);

        Assert.True(decision.Allowed);
        Assert.Equal(["W12 UnsupportedTrafficType Warn metadata.labels[istio.io/use-waypoint]"], decision.Warnings.Summarize());
    }
}
