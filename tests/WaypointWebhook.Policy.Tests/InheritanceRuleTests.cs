using WaypointWebhook.Policy.Configuration;
using WaypointWebhook.Policy.Model;
using WaypointWebhook.Policy.Resolution;
using static WaypointWebhook.Policy.Tests.Subjects;

namespace WaypointWebhook.Policy.Tests;

/// <summary>W12 (inherited namespace waypoint), W13 (WaypointMissing), W14 (cross-namespace under NAMESPACE visibility), WorkloadGroups.</summary>
public sealed class InheritanceRuleTests
{
    private static readonly WaypointPolicy Policy = PolicyAssertions.Policy;

    private static TestCluster Cluster() =>
        TestCluster.WithIstioClasses().Namespace("default", Map([Ambient])).Namespace("infra", Map([Ambient]));

    private static TestCluster AppNamespace(TestCluster cluster, params (string Key, string Value)[] labels) =>
        cluster.Namespace("app", Map([Ambient, .. labels]));

    private static PolicyDecision Create(Subject subject, TestCluster cluster, WaypointPolicy? policy = null) =>
        (policy ?? Policy).Review(Operation.Create, subject, null, cluster);

    // ---- W12

    [Fact]
    public void Worked_example_service_inheriting_a_workload_only_waypoint_warns()
    {
        var cluster = AppNamespace(Cluster().Waypoint("infra", "shared", waypointFor: "workload", routes: new RouteNamespaces("All", null)), UseWaypoint("shared"), UseWaypointNamespace("infra"));

        var decision = Create(Service("app", "s"), cluster);

        Assert.True(decision.Allowed);
        Assert.Equal(["W12 UnsupportedTrafficType Warn metadata.labels[istio.io/use-waypoint]"], decision.Warnings.Summarize());
        Assert.Contains("inherits namespace app's istio.io/use-waypoint=shared (istio.io/use-waypoint-namespace=infra)", decision.Warnings[0].Message);
        Assert.Contains("WaypointBound=False (reason UnsupportedTrafficType)", decision.Warnings[0].Message);
    }

    [Fact]
    public void Worked_example_namespace_on_a_workload_only_waypoint_warns_w9()
    {
        var cluster = Cluster().Waypoint("infra", "shared", waypointFor: "workload", routes: new RouteNamespaces("All", null));

        var decision = Create(Namespace("app", UseWaypoint("shared"), UseWaypointNamespace("infra"), Ambient), cluster);

        Assert.True(decision.Allowed);
        Assert.Equal(["W9 UnsupportedTrafficType Warn metadata.labels[istio.io/use-waypoint]"], decision.Warnings.Summarize());
    }

    [Theory]
    [InlineData("None", null, "InvalidLabelValue")]
    [InlineData("shared", "Bad_NS", "InvalidLabelValue")]
    [InlineData("missing", "infra", "WaypointIsNotReady")]
    [InlineData("ingress", "infra", "NotAWaypoint")]
    [InlineData("wl", "infra", "UnsupportedTrafficType")]
    [InlineData("same", "infra", "AttachmentDenied")]
    [InlineData("pending", "infra", "WaypointIsNotReady")]
    public void W12_each_failure_of_the_inherited_reference_warns_with_its_reason(string name, string? ns, string reason)
    {
        var cluster = Cluster()
            .Waypoint("infra", "ingress", className: "istio")
            .Waypoint("infra", "wl", waypointFor: "workload", routes: new RouteNamespaces("All", null))
            .Waypoint("infra", "same")
            .Waypoint("infra", "pending", routes: new RouteNamespaces("All", null), addresses: false);
        cluster = ns is null ? AppNamespace(cluster, UseWaypoint(name)) : AppNamespace(cluster, UseWaypoint(name), UseWaypointNamespace(ns));

        foreach (var subject in new Subject[] { Service("app", "s"), ServiceEntry("app", "se", []) })
        {
            var decision = Create(subject, cluster);

            Assert.True(decision.Allowed);
            Assert.Equal([$"W12 {reason} Warn metadata.labels[istio.io/use-waypoint]"], decision.Warnings.Summarize());
        }
    }

    [Fact]
    public void W12_not_when_the_service_has_its_own_label_or_opts_out_or_the_namespace_binds()
    {
        var cluster = AppNamespace(Cluster().Waypoint("infra", "wl", waypointFor: "workload", routes: new RouteNamespaces("All", null)).Waypoint("app", "own"), UseWaypoint("wl"), UseWaypointNamespace("infra"));
        var binding = AppNamespace(Cluster().Waypoint("infra", "shared", routes: new RouteNamespaces("All", null)), UseWaypoint("shared"), UseWaypointNamespace("infra"));

        Assert.Same(PolicyDecision.Allow, Create(Service("app", "s", UseWaypoint("none")), cluster));
        Assert.Same(PolicyDecision.Allow, Create(Service("app", "s", UseWaypoint("own")), cluster));
        Assert.Same(PolicyDecision.Allow, Create(Service("app", "s"), binding));
        Assert.Same(PolicyDecision.Allow, Create(Pod("app", "p"), cluster));
    }

    [Fact]
    public void W12_is_not_reported_for_exempt_services()
    {
        var cluster = AppNamespace(Cluster(), UseWaypoint("missing"));

        Assert.Same(PolicyDecision.Allow, Create(Service("app", "waypoint", ("gateway.istio.io/managed", "istio.io-mesh-controller")), cluster));
        Assert.Same(PolicyDecision.Allow, Create(ExternalNameService("app", "ext"), cluster));
    }

    // ---- W13

    private static EnrollingSubject Wildcard(params (string Key, string Value)[] labels) =>
        ServiceEntry("app", "se", labels) with { Hosts = ["*.example.com"] };

    [Fact]
    public void W13_wildcard_service_entry_bound_to_no_waypoint_warns_with_istiods_message()
    {
        var decision = Create(Wildcard(), AppNamespace(Cluster()));

        Assert.True(decision.Allowed);
        Assert.Equal(["W13 WaypointMissing Warn spec.hosts"], decision.Warnings.Summarize());
        Assert.Contains("ServiceEntry will not apply until it is bound to a valid waypoint.", decision.Warnings[0].Message);
        Assert.Contains("NoWaypointForWildcardService", decision.Warnings[0].Message);
    }

    [Theory]
    [InlineData("RACE_FIRST_TCP_CONNECT")]
    [InlineData("race_first_tcp_connect")]
    public void W13_connect_strategy_without_waypoint_warns_with_its_own_message(string value)
    {
        var se = ServiceEntry("app", "se", []) with { Annotations = new Dictionary<string, string> { ["istio.io/connect-strategy"] = value } };

        var decision = Create(se, AppNamespace(Cluster()));

        Assert.Equal(["W13 WaypointMissing Warn metadata.annotations[istio.io/connect-strategy]"], decision.Warnings.Summarize());
        Assert.Contains("A waypoint is required for connect strategies to take effect for ambient clients.", decision.Warnings[0].Message);
    }

    [Fact]
    public void W13_not_when_bound_own_or_inherited_and_not_for_plain_hosts()
    {
        var cluster = Cluster().Waypoint("app", "egress");

        Assert.Same(PolicyDecision.Allow, Create(Wildcard(UseWaypoint("egress")), AppNamespace(cluster)));
        Assert.Same(PolicyDecision.Allow, Create(Wildcard(), AppNamespace(cluster, UseWaypoint("egress"))));
        Assert.Same(PolicyDecision.Allow, Create(ServiceEntry("app", "se", []) with { Hosts = ["api.example.com"] }, AppNamespace(cluster)));
        Assert.Same(PolicyDecision.Allow, Create(ServiceEntry("app", "se", []) with { Annotations = new Dictionary<string, string> { ["istio.io/connect-strategy"] = "DEFAULT" } }, AppNamespace(cluster)));
    }

    [Fact]
    public void W13_comes_beside_the_finding_that_unbinds_it()
    {
        var decision = Create(Wildcard(UseWaypoint("none")), AppNamespace(Cluster()));
        Assert.Equal(["W13 WaypointMissing Warn spec.hosts"], decision.Warnings.Summarize());

        var missing = Create(Wildcard(UseWaypoint("later")), AppNamespace(Cluster()));
        Assert.Equal(["W5 WaypointIsNotReady Warn metadata.labels[istio.io/use-waypoint]", "W13 WaypointMissing Warn spec.hosts"], missing.Warnings.Summarize());
    }

    // ---- W14 (only when the ServiceEntry visibility mirror is configured)

    private static WaypointPolicy WithVisibility(string @default, params VisibilityPolicy[] policies) =>
        new(new PolicyOptions { ServiceEntryVisibility = new ServiceEntryVisibility(@default, policies) });

    [Fact]
    public void W14_cross_namespace_waypoint_of_a_namespace_visible_service_entry_is_denied()
    {
        var cluster = AppNamespace(Cluster().Waypoint("infra", "egress", routes: new RouteNamespaces("All", null)));
        var se = ServiceEntry("app", "se", [UseWaypoint("egress"), UseWaypointNamespace("infra")]);

        var decision = Create(se, cluster, WithVisibility(ServiceEntryVisibility.Namespace));

        Assert.Equal(["W14 CrossNamespaceWaypointForbidden Deny metadata.labels[istio.io/use-waypoint]"], decision.Denials.Summarize());
        Assert.True(Create(se, cluster).Allowed);
        Assert.True(Create(se, cluster, WithVisibility(ServiceEntryVisibility.Public)).Allowed);
        Assert.True(Create(ServiceEntry("app", "se", [UseWaypoint("egress"), UseWaypointNamespace("app")]), cluster.Waypoint("app", "egress"), WithVisibility(ServiceEntryVisibility.Namespace)).Allowed);
    }

    [Fact]
    public void W14_first_matching_policy_wins()
    {
        var cluster = AppNamespace(Cluster().Waypoint("infra", "egress", routes: new RouteNamespaces("All", null)), ("team", "a"));
        var se = ServiceEntry("app", "se", [UseWaypoint("egress"), UseWaypointNamespace("infra")]);
        var teamA = new LabelSelector(new Dictionary<string, string?> { ["team"] = "a" }, null);

        Assert.True(Create(se, cluster, WithVisibility(ServiceEntryVisibility.Namespace, new VisibilityPolicy(ServiceEntryVisibility.Public, teamA))).Allowed);
        Assert.False(Create(se, cluster, WithVisibility(ServiceEntryVisibility.Public, new VisibilityPolicy(ServiceEntryVisibility.Namespace, teamA), new VisibilityPolicy(ServiceEntryVisibility.Public, null))).Allowed);
    }

    [Fact]
    public void W14_for_a_namespace_only_warns_and_w12_reports_the_inherited_case()
    {
        var cluster = Cluster().Waypoint("infra", "egress", routes: new RouteNamespaces("All", null));
        var policy = WithVisibility(ServiceEntryVisibility.Namespace);

        var ns = Create(Namespace("app", UseWaypoint("egress"), UseWaypointNamespace("infra"), Ambient), cluster, policy);
        Assert.Equal(["W14 CrossNamespaceWaypointForbidden Warn metadata.labels[istio.io/use-waypoint]"], ns.Warnings.Summarize());

        var inherited = Create(ServiceEntry("app", "se", []), AppNamespace(cluster, UseWaypoint("egress"), UseWaypointNamespace("infra")), policy);
        Assert.Equal(["W12 CrossNamespaceWaypointForbidden Warn metadata.labels[istio.io/use-waypoint]"], inherited.Warnings.Summarize());

        // Services have no visibility: they bind.
        Assert.Same(PolicyDecision.Allow, Create(Service("app", "s"), AppNamespace(cluster, UseWaypoint("egress"), UseWaypointNamespace("infra")), policy));
    }

    // ---- WorkloadGroup (spec.metadata.labels over spec.template.labels)

    private static EnrollingSubject WorkloadGroup((string, string)[] metadata, (string, string)[] template) =>
        new(
            new ObjectRef("WorkloadGroup", "default", "vms"),
            SubjectKind.WorkloadGroup,
            [new Enrollment(new EnrollmentLabels(Map(metadata), "spec.metadata.labels", Map(template), "spec.template.labels"), TrafficNeed.Workload)]);

    [Fact]
    public void Workload_group_is_judged_for_workload_traffic_on_its_metadata_labels()
    {
        var decision = Create(WorkloadGroup([UseWaypoint("waypoint")], []), Cluster().Waypoint("default", "waypoint"));

        Assert.Equal(["W7 UnsupportedTrafficType Deny spec.metadata.labels[istio.io/use-waypoint]"], decision.Denials.Summarize());
        Assert.Contains("each WorkloadEntry it registers", decision.Denials[0].Message);
    }

    [Fact]
    public void Workload_group_template_labels_count_under_its_metadata_labels()
    {
        var cluster = Cluster().Waypoint("default", "waypoint").Waypoint("default", "wl", waypointFor: "workload");

        Assert.Equal(["W7 UnsupportedTrafficType Deny spec.template.labels[istio.io/use-waypoint]"], Create(WorkloadGroup([], [UseWaypoint("waypoint")]), cluster).Denials.Summarize());
        Assert.Same(PolicyDecision.Allow, Create(WorkloadGroup([UseWaypoint("wl")], [UseWaypoint("waypoint")]), cluster));
    }

    /// <summary>A view that knows nothing of one namespace and could not ask the API server about it.</summary>
    private sealed class UnconfirmedNamespace(TestCluster inner, string name) : IClusterView
    {
        public GatewayInfo? GetGateway(string @namespace, string gateway) => inner.GetGateway(@namespace, gateway);

        public GatewayClassInfo? GetGatewayClass(string className) => inner.GetGatewayClass(className);

        public NamespaceInfo? GetNamespace(string ns) => ns == name ? null : inner.GetNamespace(ns);

        public bool IsUnconfirmedNamespace(string ns) => ns == name;
    }

    [Fact]
    public void W14_on_a_namespace_nobody_could_describe_only_warns()
    {
        var view = new UnconfirmedNamespace(Cluster().Waypoint("infra", "egress", routes: new RouteNamespaces("All", null)), "fresh");
        var se = ServiceEntry("fresh", "se", [UseWaypoint("egress"), UseWaypointNamespace("infra")]);

        var decision = WithVisibility(ServiceEntryVisibility.Namespace).Review(Operation.Create, se, null, view);

        Assert.True(decision.Allowed);
        Assert.Equal(["W14 CrossNamespaceWaypointForbidden Warn metadata.labels[istio.io/use-waypoint]"], decision.Warnings.Summarize());
    }
}
