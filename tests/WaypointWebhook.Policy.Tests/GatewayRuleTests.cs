using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Policy.Tests;

/// <summary>G1..G3 on Gateways and GatewayClasses under admission.</summary>
public sealed class GatewayRuleTests
{
    private static IReadOnlyList<Finding> Evaluate(GatewayInfo gateway, TestCluster? cluster = null) =>
        PolicyAssertions.Policy.Evaluate(new GatewaySubject(gateway), cluster ?? TestCluster.WithIstioClasses());

    [Theory]
    [InlineData("Service", "use the lowercase value \"service\"")]
    [InlineData("WORKLOAD", "use the lowercase value \"workload\"")]
    [InlineData("both", "use one of service (the default), workload, all, none")]
    [InlineData("", "use one of service (the default), workload, all, none")]
    public void G1_invalid_traffic_type_on_a_gateway_is_denied(string value, string fix)
    {
        var findings = Evaluate(TestCluster.MakeGateway("default", "w", waypointFor: value));

        Assert.Equal(["G1 InvalidTrafficType Deny metadata.labels[istio.io/waypoint-for]"], findings.Summarize());
        Assert.Contains(fix, findings[0].Message);
    }

    [Theory]
    [InlineData("service")]
    [InlineData("workload")]
    [InlineData("all")]
    [InlineData("none")]
    public void G1_valid_traffic_types_pass(string value)
    {
        Assert.Empty(Evaluate(TestCluster.MakeGateway("default", "w", waypointFor: value)));
    }

    [Fact]
    public void G1_applies_to_gateway_classes()
    {
        var gatewayClass = new GatewayClassInfo("istio-waypoint", "istio.io/mesh-controller", new Dictionary<string, string> { ["istio.io/waypoint-for"] = "All" }, null);

        var findings = PolicyAssertions.Policy.Evaluate(new GatewayClassSubject(gatewayClass), new TestCluster());

        Assert.Equal(["G1 InvalidTrafficType Deny metadata.labels[istio.io/waypoint-for]"], findings.Summarize());
        Assert.StartsWith("GatewayClass istio-waypoint: ", findings[0].Message);
    }

    [Fact]
    public void G2_selector_without_selector_is_denied()
    {
        var findings = Evaluate(TestCluster.MakeGateway("infra", "w", routes: new RouteNamespaces("Selector", null)));

        Assert.Equal(["G2 InvalidAllowedRoutes Deny spec.listeners[0].allowedRoutes.namespaces.selector"], findings.Summarize());
        Assert.Contains("without a selector, which matches nothing", findings[0].Message);
        Assert.Contains("not even infra", findings[0].Message);
    }

    [Fact]
    public void G2_invalid_selector_is_denied_with_the_problem()
    {
        var selector = new LabelSelector(null, [new LabelSelectorRequirement("team", "In", null)]);
        var gateway = TestCluster.MakeGateway("infra", "w", listeners:
        [
            new ListenerInfo("http", 80, "HTTP", null),
            new ListenerInfo("mesh", 15008, "HBONE", new RouteNamespaces("Selector", selector)),
        ]);

        var findings = Evaluate(gateway);

        Assert.Equal(
            ["G2 InvalidAllowedRoutes Deny spec.listeners[1].allowedRoutes.namespaces.selector", "G3 UnexpectedListener Warn spec.listeners"],
            findings.Summarize());
        Assert.Contains("operator In needs at least one value", findings[0].Message);
    }

    [Fact]
    public void G2_only_the_attachment_listener_of_a_waypoint_matters()
    {
        var broken = new RouteNamespaces("Selector", null);
        var otherListener = TestCluster.MakeGateway("infra", "w", className: "istio", listeners: [new ListenerInfo("mesh", 15008, "HBONE", broken)]);

        Assert.Empty(Evaluate(otherListener));
        Assert.Empty(Evaluate(TestCluster.MakeGateway("infra", "w", routes: new RouteNamespaces("Selector", new LabelSelector(null, null)))));
    }

    [Fact]
    public void G3_mesh_waypoint_needs_exactly_one_HBONE_listener()
    {
        var extra = TestCluster.MakeGateway("default", "w", listeners: [TestCluster.Hbone, new ListenerInfo("http", 80, "HTTP", null)]);
        var none = TestCluster.MakeGateway("default", "w", listeners: [new ListenerInfo("mesh", 15009, "HBONE", null)]);
        var empty = TestCluster.MakeGateway("default", "w", listeners: []);

        Assert.Equal(["G3 UnexpectedListener Warn spec.listeners"], Evaluate(extra).Summarize());
        Assert.Contains("1 other listener(s) beside it", Evaluate(extra)[0].Message);
        Assert.Equal(["G3 UnexpectedListener Warn spec.listeners"], Evaluate(none).Summarize());
        Assert.Equal(["G3 UnexpectedListener Warn spec.listeners"], Evaluate(empty).Summarize());
        Assert.Empty(Evaluate(TestCluster.MakeGateway("default", "w")));
    }

    [Fact]
    public void G3_applies_to_the_agentgateway_waypoint_controller_and_not_to_ingress()
    {
        // Spec v2 G3 covers istio.io/agentgateway-waypoint-controller too (this asserted no finding under v1).
        var cluster = TestCluster.WithIstioClasses().Class("agw", "istio.io/agentgateway-waypoint-controller");

        var findings = Evaluate(TestCluster.MakeGateway("default", "w", className: "agw", listeners: [new ListenerInfo("proxy", 15088, "istio.io/PROXY", null)]), cluster);
        Assert.Equal(["G3 UnexpectedListener Warn spec.listeners"], findings.Summarize());
        Assert.Contains("istio.io/agentgateway-waypoint-controller", findings[0].Message);
        Assert.Empty(Evaluate(TestCluster.MakeGateway("default", "w", className: "istio", listeners: [new ListenerInfo("http", 80, "HTTP", null)]), cluster));
    }

    [Fact]
    public void G3_applies_to_the_default_class_name_before_its_class_is_known()
    {
        var gateway = TestCluster.MakeGateway("default", "w", listeners: [new ListenerInfo("http", 80, "HTTP", null)]);

        Assert.Equal(["G3 UnexpectedListener Warn spec.listeners"], Evaluate(gateway, new TestCluster()).Summarize());
    }
}
