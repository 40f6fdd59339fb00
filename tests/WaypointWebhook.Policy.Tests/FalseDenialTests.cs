using WaypointWebhook.Policy.Model;
using static WaypointWebhook.Policy.Tests.Subjects;

namespace WaypointWebhook.Policy.Tests;

/// <summary>
/// Issue 13: the verdicts where spec v1 denied what istiod binds and serves. Each test states what istiod
/// does (pilot/pkg/serviceregistry/ambient, release-1.31).
/// </summary>
public sealed class FalseDenialTests
{
    private static readonly WaypointPolicy Policy = PolicyAssertions.Policy;

    private static TestCluster Cluster() =>
        TestCluster.WithIstioClasses().Namespace("default", Map([Ambient])).Namespace("app", Map([Ambient])).Namespace("infra", Map([Ambient]));

    private static PolicyDecision Create(Subject subject, TestCluster cluster) => Policy.Review(Operation.Create, subject, null, cluster);

    // ---- Made by a controller: warnings only, on CREATE too (spec section 2).

    [Fact]
    public void Pod_of_a_replica_set_on_create_is_allowed_with_the_warning()
    {
        var pod = Pod("default", "p-7d4f9", UseWaypoint("waypoint")) with { MadeByController = true };

        var decision = Create(pod, Cluster().Waypoint("default", "waypoint"));

        Assert.True(decision.Allowed);
        Assert.Equal(["W7 UnsupportedTrafficType Warn metadata.labels[istio.io/use-waypoint]"], decision.Warnings.Summarize());
    }

    [Fact]
    public void Controller_made_objects_never_deny_whatever_the_finding()
    {
        var cluster = Cluster().Waypoint("default", "ingress", className: "istio");
        var subjects = new EnrollingSubject[]
        {
            Pod("default", "p", UseWaypoint("None")) with { MadeByController = true },
            Pod("default", "p", UseWaypoint("ingress")) with { MadeByController = true },
            Deployment("default", "rs-1", UseWaypoint("Bad")) with { MadeByController = true },
            WorkloadEntry("default", "auto-1", [UseWaypoint("None")], []) with { MadeByController = true },
        };

        foreach (var subject in subjects)
        {
            var decision = Create(subject, cluster);
            Assert.True(decision.Allowed);
            Assert.NotEmpty(decision.Warnings);
            Assert.All(Policy.Evaluate(subject, cluster), f => Assert.Equal(Verdict.Warn, f.Verdict));
        }
    }

    [Fact]
    public void The_same_pod_applied_by_a_person_is_denied()
    {
        Assert.False(Create(Pod("default", "p", UseWaypoint("waypoint")), Cluster().Waypoint("default", "waypoint")).Allowed);
    }

    // ---- The inbound binding (makeInboundBinding, findBoundListener, makeAllowedRoutes).

    /// <summary>
    /// infra/wp: an HBONE listener that admits every namespace, an istio.io/PROXY listener and a listener on
    /// 15088 that admit only infra. A Service in app binds exactly when the chosen listener is the HBONE one.
    /// </summary>
    private static TestCluster BindingCluster(string? gatewayBinding, string? classBinding = null, string className = "istio-waypoint") =>
        Cluster()
            .Class("istio-waypoint", "istio.io/mesh-controller", inboundBinding: classBinding)
            .Waypoint("infra", "wp", className: className, inboundBinding: gatewayBinding, listeners:
            [
                new ListenerInfo("proxy", 15001, "istio.io/PROXY", null),
                new ListenerInfo("sandwich", 15088, "TCP", null),
                new ListenerInfo("mesh", 15008, "HBONE", new RouteNamespaces("All", null)),
            ]);

    [Theory]
    [InlineData(null, true)]                  // no binding: the HBONE listener
    [InlineData("NONE", true)]                // picks nothing: HBONE fallback
    [InlineData("PROXY", false)]              // the first istio.io/PROXY listener (Same)
    [InlineData("PROXY/15088", false)]        // the listener on 15088 (Same)
    [InlineData("NONE/15088", false)]         // a port decides, whatever the protocol
    [InlineData("PROXY/abc", false)]          // port syntax error = 0: the PROXY listener
    [InlineData("PROXY/", false)]             // empty port = 0
    [InlineData("PROXY/+5", false)]           // a sign is a syntax error for ParseUint = 0
    [InlineData("PROXY/015088", false)]       // leading zeros parse: 15088
    [InlineData("PROXY/15009", true)]         // a port no listener has: HBONE fallback
    [InlineData("PROXY/99999999999", true)]   // overflow: 4294967295, no listener: HBONE fallback
    [InlineData("proxy/15088", true)]         // protocol not exactly PROXY: no binding
    [InlineData("PROXY/15088/x", true)]       // three parts: no binding
    [InlineData("", true)]                    // empty: no binding
    [InlineData("HTTP/15088", true)]          // unknown protocol: no binding
    public void Binding_on_the_gateway_chooses_the_listener(string? binding, bool allowed)
    {
        var decision = Create(Service("app", "s", UseWaypoint("wp"), UseWaypointNamespace("infra")), BindingCluster(binding));

        Assert.Equal(allowed, decision.Allowed);
        if (!allowed)
        {
            Assert.Equal(["W8 AttachmentDenied Deny metadata.labels[istio.io/use-waypoint]"], decision.Denials.Summarize());
        }
    }

    [Fact]
    public void Binding_on_the_class_applies_when_the_gateway_has_none()
    {
        Assert.False(Create(Service("app", "s", UseWaypoint("wp"), UseWaypointNamespace("infra")), BindingCluster(null, classBinding: "PROXY/15088")).Allowed);
        Assert.True(Create(Service("app", "s", UseWaypoint("wp"), UseWaypointNamespace("infra")), BindingCluster(null, classBinding: "NONE")).Allowed);
    }

    [Theory]
    [InlineData("", true)]          // present but empty: no binding, overrides the class's
    [InlineData("NONE", true)]
    [InlineData("PROXY", false)]
    public void Binding_on_the_gateway_overrides_the_class(string gatewayBinding, bool allowed)
    {
        var decision = Create(Service("app", "s", UseWaypoint("wp"), UseWaypointNamespace("infra")), BindingCluster(gatewayBinding, classBinding: "PROXY/15088"));

        Assert.Equal(allowed, decision.Allowed);
    }

    [Fact]
    public void Worked_example_binding_none_with_an_hbone_listener_from_all_is_allowed()
    {
        var cluster = Cluster().Waypoint("infra", "wp", routes: new RouteNamespaces("All", null), inboundBinding: "NONE");

        Assert.True(Create(Service("app", "s", UseWaypoint("wp"), UseWaypointNamespace("infra")), cluster).Allowed);
    }

    [Fact]
    public void No_listener_at_all_means_Same()
    {
        var cluster = Cluster().Waypoint("infra", "wp", inboundBinding: "NONE", listeners: [new ListenerInfo("http", 80, "HTTP", new RouteNamespaces("All", null))]);

        Assert.Equal(["W8 AttachmentDenied Deny metadata.labels[istio.io/use-waypoint]"], Create(Service("app", "s", UseWaypoint("wp"), UseWaypointNamespace("infra")), cluster).Denials.Summarize());
        Assert.True(Create(Service("infra", "s", UseWaypoint("wp")), cluster).Allowed);
    }

    // ---- Sandwich waypoints (spec section 3) and W6.

    [Fact]
    public void Ingress_gateway_is_not_a_waypoint()
    {
        var decision = Create(Service("default", "s", UseWaypoint("ingress")), Cluster().Waypoint("default", "ingress", className: "istio", listeners: [new ListenerInfo("http", 80, "HTTP", null)]));

        Assert.Equal(["W6 NotAWaypoint Deny metadata.labels[istio.io/use-waypoint]"], decision.Denials.Summarize());
        Assert.Contains("istio.io/gateway-controller", decision.Denials[0].Message);
    }

    [Theory]
    [InlineData("istio")]
    [InlineData("istio-east-west")]
    [InlineData("istio-remote")]
    [InlineData("istio-agentgateway")]
    public void Known_non_waypoint_classes_deny_even_before_their_class_is_known(string className)
    {
        var cluster = new TestCluster().Namespace("default", Map([Ambient])).Waypoint("default", "gw", className: className);

        Assert.Equal(["W6 NotAWaypoint Deny metadata.labels[istio.io/use-waypoint]"], Create(Service("default", "s", UseWaypoint("gw")), cluster).Denials.Summarize());
    }

    [Fact]
    public void Unknown_controller_only_warns_not_a_waypoint()
    {
        var cluster = Cluster().Class("third", "example.com/waypoints").Waypoint("default", "gw", className: "third");

        var decision = Create(Service("default", "s", UseWaypoint("gw")), cluster);

        Assert.True(decision.Allowed);
        Assert.Equal(["W6 NotAWaypoint Warn metadata.labels[istio.io/use-waypoint]"], decision.Warnings.Summarize());
    }

    [Fact]
    public void Sandwich_by_the_dataplane_mode_label_is_a_waypoint()
    {
        var gateway = TestCluster.MakeGateway("default", "ingress", className: "istio", labels: new() { ["istio.io/dataplane-mode"] = "ambient" },
            listeners: [new ListenerInfo("tcp", 15008, "TCP", null)]);

        var decision = Create(Service("default", "s", UseWaypoint("ingress")), Cluster().Gateway(gateway));

        Assert.True(decision.Allowed);
        Assert.Empty(decision.Warnings);
    }

    [Fact]
    public void Sandwich_by_infrastructure_labels_is_a_waypoint()
    {
        var gateway = TestCluster.MakeGateway("default", "ingress", className: "istio") with
        {
            InfrastructureLabels = new Dictionary<string, string> { ["istio.io/dataplane-mode"] = "ambient" },
        };

        Assert.True(Create(Service("default", "s", UseWaypoint("ingress")), Cluster().Gateway(gateway)).Allowed);
    }

    [Fact]
    public void Sandwich_by_the_binding_annotation_on_the_gateway_or_its_class_is_a_waypoint()
    {
        var onGateway = Cluster().Waypoint("default", "ingress", className: "istio", inboundBinding: "PROXY/15088");
        var onClass = Cluster().Class("third", "example.com/gw", inboundBinding: "whatever").Waypoint("default", "ingress", className: "third");

        Assert.True(Create(Service("default", "s", UseWaypoint("ingress")), onGateway).Allowed);
        Assert.Empty(Create(Service("default", "s", UseWaypoint("ingress")), onClass).Warnings);
    }

    [Fact]
    public void Sandwich_waypoint_is_still_judged_for_traffic_type_and_attachment()
    {
        var gateway = TestCluster.MakeGateway("default", "ingress", className: "istio", labels: new() { ["istio.io/dataplane-mode"] = "ambient" });

        Assert.Equal(["W7 UnsupportedTrafficType Deny metadata.labels[istio.io/use-waypoint]"], Create(Pod("default", "p", UseWaypoint("ingress")), Cluster().Gateway(gateway)).Denials.Summarize());
        Assert.Equal(["W8 AttachmentDenied Deny metadata.labels[istio.io/use-waypoint]"], Create(Service("app", "s", UseWaypoint("ingress"), UseWaypointNamespace("default")), Cluster().Gateway(gateway)).Denials.Summarize());
    }

    // ---- W2 only when UW names a waypoint; W3 warns (D1).

    [Theory]
    [InlineData("Bad_NS")]
    [InlineData("")]
    public void Malformed_namespace_label_after_none_is_only_ignored(string value)
    {
        var decision = Create(Pod("default", "p", UseWaypoint("none"), UseWaypointNamespace(value)), Cluster());

        Assert.True(decision.Allowed);
        Assert.Equal(["W4 IgnoredLabel Warn metadata.labels[istio.io/use-waypoint-namespace]"], decision.Warnings.Summarize());
    }

    [Fact]
    public void Malformed_namespace_label_without_use_waypoint_only_warns()
    {
        var decision = Create(Service("default", "s", UseWaypointNamespace("Bad_NS")), Cluster());

        Assert.True(decision.Allowed);
        Assert.Equal(["W3 NamespaceWithoutWaypoint Warn metadata.labels[istio.io/use-waypoint-namespace]"], decision.Warnings.Summarize());
    }

    // ---- Exemptions: gateway instances whatever their class (section 2), managed ServiceEntries (D11).

    [Theory]
    [InlineData("istio")]
    [InlineData("istio-east-west")]
    [InlineData("example-third-party")]
    public void Pods_and_templates_of_any_gateway_are_exempt(string className)
    {
        (string, string) instance = ("gateway.networking.k8s.io/gateway-name", "ingress");
        var cluster = Cluster().Waypoint("default", "ingress", className: className);

        Assert.True(Create(Pod("default", "ingress-abc", UseWaypoint("Bad"), instance), cluster) == PolicyDecision.Allow);
        Assert.True(Create(Deployment("default", "ingress", UseWaypoint("Bad"), instance), cluster) == PolicyDecision.Allow);
        Assert.True(Create(WorkloadEntry("default", "ingress", [UseWaypoint("Bad"), instance], []), cluster) == PolicyDecision.Allow);
    }

    [Fact]
    public void Service_entry_endpoints_of_a_gateway_are_exempt()
    {
        (string, string) instance = ("gateway.networking.k8s.io/gateway-name", "ingress");
        var cluster = Cluster().Waypoint("default", "ingress", className: "istio");

        var decision = Create(ServiceEntry("default", "se", [], [UseWaypoint("None"), instance], [UseWaypoint("None")]), cluster);

        Assert.Equal(["W1 InvalidLabelValue Deny spec.endpoints[1].labels[istio.io/use-waypoint]"], decision.Denials.Summarize());
    }

    [Theory]
    [InlineData("istio.io-mesh-controller")]
    [InlineData("istio.io-eastwest-controller")]
    public void Managed_service_entries_are_exempt_like_services(string controller)
    {
        var se = ServiceEntry("default", "se", [UseWaypoint("None"), ("gateway.istio.io/managed", controller)]);

        Assert.Empty(Policy.Evaluate(se, Cluster()));
    }

    // ---- D4: G1 denies only on waypoints.

    [Fact]
    public void Invalid_waypoint_for_denies_on_waypoints_and_warns_elsewhere()
    {
        var waypoint = new GatewaySubject(TestCluster.MakeGateway("default", "w", waypointFor: "Workload"));
        var ingress = new GatewaySubject(TestCluster.MakeGateway("default", "i", waypointFor: "Workload", className: "istio"));
        var waypointClass = new GatewayClassSubject(new GatewayClassInfo("c", "istio.io/mesh-controller", new Dictionary<string, string> { ["istio.io/waypoint-for"] = "x" }, null));
        var ingressClass = new GatewayClassSubject(new GatewayClassInfo("c", "istio.io/gateway-controller", new Dictionary<string, string> { ["istio.io/waypoint-for"] = "x" }, null));

        Assert.Equal(["G1 InvalidTrafficType Deny metadata.labels[istio.io/waypoint-for]"], Policy.Evaluate(waypoint, Cluster()).Summarize());
        Assert.Equal(["G1 InvalidTrafficType Warn metadata.labels[istio.io/waypoint-for]"], Policy.Evaluate(ingress, Cluster()).Summarize());
        Assert.Equal(["G1 InvalidTrafficType Deny metadata.labels[istio.io/waypoint-for]"], Policy.Evaluate(waypointClass, Cluster()).Summarize());
        Assert.Equal(["G1 InvalidTrafficType Warn metadata.labels[istio.io/waypoint-for]"], Policy.Evaluate(ingressClass, Cluster()).Summarize());
    }
}
