using WaypointWebhook.Policy.Configuration;
using WaypointWebhook.Policy.Model;
using static WaypointWebhook.Policy.Tests.Subjects;

namespace WaypointWebhook.Policy.Tests;

/// <summary>Section 5: operations, UPDATE downgrade, enforcement mode, exclusions, exemptions.</summary>
public sealed class ReviewTests
{
    private static readonly WaypointPolicy Policy = PolicyAssertions.Policy;

    private static TestCluster Cluster() =>
        TestCluster.WithIstioClasses().Namespace("default", Map([Ambient])).Namespace("app", Map([Ambient])).Waypoint("default", "waypoint");

    [Fact]
    public void Update_that_does_not_touch_the_reference_only_warns()
    {
        var before = Pod("default", "p", UseWaypoint("waypoint"), ("version", "v1"));
        var after = Pod("default", "p", UseWaypoint("waypoint"), ("version", "v2"));

        var decision = Policy.Review(Operation.Update, after, before, Cluster());

        Assert.True(decision.Allowed);
        Assert.Equal(["W7 UnsupportedTrafficType Warn metadata.labels[istio.io/use-waypoint]"], decision.Warnings.Summarize());
    }

    [Fact]
    public void Update_that_changes_the_reference_denies()
    {
        var before = Pod("default", "p", UseWaypoint("none"));
        var after = Pod("default", "p", UseWaypoint("waypoint"));

        var decision = Policy.Review(Operation.Update, after, before, Cluster());

        Assert.Equal(["W7 UnsupportedTrafficType Deny metadata.labels[istio.io/use-waypoint]"], decision.Denials.Summarize());
    }

    [Fact]
    public void Update_that_adds_the_namespace_label_denies()
    {
        var before = Pod("default", "p", UseWaypoint("waypoint"));
        var after = Pod("default", "p", UseWaypoint("waypoint"), UseWaypointNamespace("default"));

        Assert.False(Policy.Review(Operation.Update, after, before, Cluster()).Allowed);
    }

    [Fact]
    public void Update_of_a_service_entry_judges_each_endpoint_against_its_old_self()
    {
        var cluster = Cluster().Waypoint("default", "wl", waypointFor: "workload");
        var before = ServiceEntry("default", "se", [], [UseWaypoint("waypoint")]);
        var after = ServiceEntry("default", "se", [], [UseWaypoint("waypoint")], [UseWaypoint("waypoint")]);

        var decision = Policy.Review(Operation.Update, after, before, cluster);

        Assert.Equal(["W7 UnsupportedTrafficType Deny spec.endpoints[1].labels[istio.io/use-waypoint]"], decision.Denials.Summarize());
        Assert.Equal(["W7 UnsupportedTrafficType Warn spec.endpoints[0].labels[istio.io/use-waypoint]"], decision.Warnings.Summarize());
    }

    [Fact]
    public void Update_of_a_namespace_denies_only_when_its_label_change_broke_the_selector()
    {
        var routes = new RouteNamespaces("Selector", new LabelSelector(new Dictionary<string, string?> { ["mesh"] = "yes" }, null));
        var cluster = Cluster().Waypoint("default", "shared", routes: routes);
        var before = Namespace("app", UseWaypoint("shared"), UseWaypointNamespace("default"), ("mesh", "yes"), Ambient);
        var after = Namespace("app", UseWaypoint("shared"), UseWaypointNamespace("default"), ("mesh", "no"), Ambient);
        var unrelated = Namespace("app", UseWaypoint("shared"), UseWaypointNamespace("default"), ("mesh", "no"), ("team", "a"), Ambient);

        // mesh=yes -> no: this change is what makes the selector refuse the namespace.
        Assert.Equal(["W8 AttachmentDenied Deny metadata.labels[istio.io/use-waypoint]"], Policy.Review(Operation.Update, after, before, cluster).Denials.Summarize());

        // A label the selector does not read, on a namespace it already refused: the finding stays, as a warning.
        var later = Policy.Review(Operation.Update, unrelated, after, cluster);
        Assert.Empty(later.Denials);
        Assert.Equal(["W8 AttachmentDenied Warn metadata.labels[istio.io/use-waypoint]"], later.Warnings.Summarize());
    }

    [Fact]
    public void Update_of_a_gateway_denies_only_when_label_class_or_listeners_changed()
    {
        var before = TestCluster.MakeGateway("default", "w", waypointFor: "Service", labels: new() { ["a"] = "1" });
        var relabelled = TestCluster.MakeGateway("default", "w", waypointFor: "Service", labels: new() { ["a"] = "2" });
        var listenerChanged = relabelled with { Listeners = [TestCluster.Hbone with { Namespaces = new RouteNamespaces("All", null) }] };

        Assert.True(Policy.Review(Operation.Update, new GatewaySubject(relabelled), new GatewaySubject(before), Cluster()).Allowed);
        Assert.False(Policy.Review(Operation.Update, new GatewaySubject(listenerChanged), new GatewaySubject(before), Cluster()).Allowed);
        Assert.False(Policy.Review(Operation.Update, new GatewaySubject(before with { Labels = new Dictionary<string, string> { ["istio.io/waypoint-for"] = "Al" } }), new GatewaySubject(before), Cluster()).Allowed);
    }

    [Fact]
    public void Update_without_old_object_is_judged_like_create()
    {
        Assert.False(Policy.Review(Operation.Update, Pod("default", "p", UseWaypoint("waypoint")), null, Cluster()).Allowed);
    }

    [Theory]
    [InlineData(Operation.Delete)]
    [InlineData(Operation.Connect)]
    public void Delete_and_connect_are_always_allowed(Operation operation)
    {
        var decision = Policy.Review(operation, Pod("default", "p", UseWaypoint("None")), null, Cluster());

        Assert.Same(PolicyDecision.Allow, decision);
    }

    [Fact]
    public void Unknown_kind_is_allowed_unevaluated()
    {
        Assert.Same(PolicyDecision.Allow, Policy.Review(Operation.Create, null, null, Cluster()));
    }

    [Fact]
    public void Warn_mode_turns_every_deny_into_a_warning()
    {
        var policy = new WaypointPolicy(new PolicyOptions { Enforcement = EnforcementMode.Warn });

        var decision = policy.Review(Operation.Create, Pod("default", "p", UseWaypoint("waypoint"), UseWaypointNamespace("Bad")), null, Cluster());

        Assert.True(decision.Allowed);
        Assert.Equal(["W2 InvalidLabelValue Warn metadata.labels[istio.io/use-waypoint-namespace]"], decision.Warnings.Summarize());
    }

    [Theory]
    [InlineData("kube-system")]
    [InlineData("kube-public")]
    [InlineData("kube-node-lease")]
    public void Excluded_namespaces_are_not_evaluated(string ns)
    {
        Assert.Same(PolicyDecision.Allow, Policy.Review(Operation.Create, Pod(ns, "p", UseWaypoint("None")), null, Cluster()));
        Assert.Same(PolicyDecision.Allow, Policy.Review(Operation.Create, Namespace(ns, UseWaypoint("None")), null, Cluster()));
    }

    [Fact]
    public void Configured_excluded_namespace_is_not_evaluated()
    {
        var policy = new WaypointPolicy(new PolicyOptions { ExcludedNamespaces = new HashSet<string> { "waypoint-system" } });

        Assert.True(policy.Review(Operation.Create, Pod("waypoint-system", "p", UseWaypoint("None")), null, Cluster()).Allowed);
        Assert.False(policy.Review(Operation.Create, Pod("kube-system", "p", UseWaypoint("None")), null, Cluster()).Allowed);
    }

    [Theory]
    [InlineData("istio.io-mesh-controller")]
    [InlineData("istio.io-eastwest-controller")]
    public void Waypoint_and_east_west_services_are_exempt(string managed)
    {
        var subject = Service("default", "waypoint", UseWaypoint("None"), ("gateway.istio.io/managed", managed));

        Assert.Empty(Policy.Evaluate(subject, Cluster()));
    }

    [Fact]
    public void Other_managed_services_are_evaluated()
    {
        var subject = Service("default", "ingress", UseWaypoint("None"), ("gateway.istio.io/managed", "istio.io-gateway-controller"));

        Assert.Single(Policy.Evaluate(subject, Cluster()));
    }

    [Fact]
    public void ExternalName_services_are_exempt()
    {
        Assert.Empty(Policy.Evaluate(ExternalNameService("default", "ext", UseWaypoint("None")), Cluster()));
    }

    [Fact]
    public void A_waypoints_own_pods_and_templates_are_exempt()
    {
        (string, string) own = ("gateway.networking.k8s.io/gateway-name", "waypoint");

        Assert.Empty(Policy.Evaluate(Pod("default", "waypoint-abc", UseWaypoint("waypoint"), own), Cluster()));
        Assert.Empty(Policy.Evaluate(Deployment("default", "waypoint", UseWaypoint("waypoint"), own), Cluster()));
        Assert.Empty(Policy.Evaluate(WorkloadEntry("default", "we", [own], [UseWaypoint("waypoint")]), Cluster()));
    }

    [Fact]
    public void Gateway_name_label_exempts_the_pods_of_any_gateway_but_not_of_a_missing_one()
    {
        // Spec v2 section 2: gateway instances are exempt whatever their Gateway's class (istiod copies the
        // Gateway's labels onto its pods); this test asserted the opposite under spec v1.
        var cluster = Cluster().Waypoint("default", "ingress", className: "istio");
        (string, string) ingress = ("gateway.networking.k8s.io/gateway-name", "ingress");

        Assert.Empty(Policy.Evaluate(Pod("default", "ingress-abc", UseWaypoint("waypoint"), ingress), cluster));
        Assert.Single(Policy.Evaluate(Pod("default", "p", UseWaypoint("waypoint"), ("gateway.networking.k8s.io/gateway-name", "missing")), cluster));
    }
}
