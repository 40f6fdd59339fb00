using WaypointWebhook.Policy.Configuration;
using WaypointWebhook.Policy.Model;
using static WaypointWebhook.Policy.Tests.Reverse.ReverseFixtures;
using static WaypointWebhook.Policy.Tests.Subjects;

namespace WaypointWebhook.Policy.Tests.Reverse;

/// <summary>The reverse check's settings and operations: Deny mode, enforcement Warn, excluded namespaces, DELETE and CONNECT.</summary>
public sealed class ReverseModeTests
{
    private static readonly GatewayInfo Before = Waypoint("default", "waypoint", "all");
    private static readonly GatewayInfo After = Waypoint("default", "waypoint", "service");

    private static TestCluster WithPods() => Cluster(Before, "default").Consumer(Pods("default", "p", 2, "waypoint"));

    [Fact]
    public void The_default_setting_warns()
    {
        Assert.Equal(ReverseCheckMode.Warn, new PolicyOptions().ReverseCheck);
        Assert.Equal(ReverseCheckMode.Warn, PolicyOptions.Defaults.ReverseCheck);

        var decision = Warning.Review(Operation.Update, Gateway(After), Gateway(Before), WithPods());

        Assert.True(decision.Allowed);
        Assert.Equal(["R1 UnsupportedTrafficType Warn metadata.labels[istio.io/waypoint-for]"], decision.Warnings.Summarize());
    }

    [Fact]
    public void Deny_mode_denies_the_update_that_unbinds_even_though_it_is_an_update()
    {
        var decision = Denying.Review(Operation.Update, Gateway(After), Gateway(Before), WithPods());

        Assert.False(decision.Allowed);
        Assert.Equal(["R1 UnsupportedTrafficType Deny metadata.labels[istio.io/waypoint-for]"], decision.Denials.Summarize());
        Assert.Empty(decision.Warnings);
        Assert.Equal(
            "this change unbinds 2 Pods in default (default/p-0, default/p-1): they need workload traffic; keep istio.io/waypoint-for=all or move them to another waypoint",
            decision.Denials[0].Message);
    }

    [Fact]
    public void Deny_mode_denies_a_delete()
    {
        var decision = Denying.Review(Operation.Delete, null, Gateway(Before), WithPods());

        Assert.Equal(["R1 WaypointIsNotReady Deny metadata"], decision.Denials.Summarize());
    }

    [Fact]
    public void Deny_mode_only_warns_when_a_controller_owns_the_gateway()
    {
        // Spec section 2: what a controller writes only warns; denying it would have the controller retry forever.
        var owned = Denying.Review(Operation.Update, new GatewaySubject(After, MadeByController: true), new GatewaySubject(Before, MadeByController: true), WithPods());
        var deleted = Denying.Review(Operation.Delete, null, new GatewaySubject(Before, MadeByController: true), WithPods());

        Assert.True(owned.Allowed);
        Assert.Equal(["R1 UnsupportedTrafficType Warn metadata.labels[istio.io/waypoint-for]"], owned.Warnings.Summarize());
        Assert.True(deleted.Allowed);
        Assert.Equal(["R1 WaypointIsNotReady Warn metadata"], deleted.Warnings.Summarize());
    }

    [Fact]
    public void Deny_mode_lets_through_a_change_that_unbinds_nothing()
    {
        Assert.Same(PolicyDecision.Allow, Denying.Review(Operation.Update, Gateway(Before with { Labels = new Dictionary<string, string> { ["istio.io/waypoint-for"] = "all", ["x"] = "y" } }), Gateway(Before), WithPods()));
    }

    [Fact]
    public void Enforcement_mode_Warn_turns_the_deny_into_a_warning()
    {
        var policy = new WaypointPolicy(new PolicyOptions { ReverseCheck = ReverseCheckMode.Deny, Enforcement = EnforcementMode.Warn });

        var decision = policy.Review(Operation.Delete, null, Gateway(Before), WithPods());

        Assert.True(decision.Allowed);
        Assert.Equal(["R1 WaypointIsNotReady Warn metadata"], decision.Warnings.Summarize());
    }

    [Fact]
    public void A_Gateway_in_an_excluded_namespace_is_not_checked()
    {
        var gateway = Waypoint("kube-system", "waypoint", "all") with { };
        var cluster = Cluster(gateway, "kube-system", "app").Consumer(Pods("app", "p", 2, "waypoint", "kube-system"));

        Assert.Same(PolicyDecision.Allow, Denying.Review(Operation.Delete, null, Gateway(gateway), cluster));
        Assert.Same(PolicyDecision.Allow, Denying.Review(Operation.Update, Gateway(gateway with { Labels = new Dictionary<string, string> { ["istio.io/waypoint-for"] = "service" } }), Gateway(gateway), cluster));
    }

    [Fact]
    public void Consumers_in_excluded_namespaces_are_not_reported()
    {
        var before = Waypoint("infra", "shared", "all", FromAll);
        var cluster = Cluster(before, "infra", "kube-system", "app")
            .Consumer(Pods("kube-system", "sys", 3, "shared", "infra"))
            .Consumer(Pods("app", "app", 1, "shared", "infra"));

        var decision = Warning.Review(Operation.Delete, null, Gateway(before), cluster);

        Assert.StartsWith("[WaypointIsNotReady] this change unbinds 1 Pod in app (app/app-0)", Assert.Single(decision.Warnings.Shown()));
    }

    [Fact]
    public void Configured_exclusions_replace_the_defaults()
    {
        var policy = new WaypointPolicy(new PolicyOptions { ExcludedNamespaces = new HashSet<string> { "app" } });
        var before = Waypoint("infra", "shared", "all", FromAll);
        var cluster = Cluster(before, "infra", "kube-system", "app")
            .Consumer(Pods("kube-system", "sys", 1, "shared", "infra"))
            .Consumer(Pods("app", "app", 1, "shared", "infra"));

        var decision = policy.Review(Operation.Delete, null, Gateway(before), cluster);

        Assert.StartsWith("[WaypointIsNotReady] this change unbinds 1 Pod in kube-system (kube-system/sys-0)", Assert.Single(decision.Warnings.Shown()));
    }

    [Theory]
    [InlineData(Operation.Delete)]
    [InlineData(Operation.Connect)]
    public void Delete_and_connect_of_a_consumer_or_an_unknown_kind_stay_allowed(Operation operation)
    {
        var pod = Pod("default", "p", UseWaypoint("waypoint"));

        Assert.Same(PolicyDecision.Allow, Denying.Review(operation, null, pod, WithPods()));
        Assert.Same(PolicyDecision.Allow, Denying.Review(operation, pod, pod, WithPods()));
        Assert.Same(PolicyDecision.Allow, Denying.Review(operation, null, null, WithPods()));
        Assert.Same(PolicyDecision.Allow, Denying.Review(operation, null, Namespace("default", UseWaypoint("waypoint")), WithPods()));
    }

    [Fact]
    public void Connect_of_a_Gateway_is_allowed_unevaluated()
    {
        Assert.Same(PolicyDecision.Allow, Denying.Review(Operation.Connect, Gateway(After), Gateway(Before), WithPods()));
    }

    [Fact]
    public void Creating_a_Gateway_runs_no_reverse_check()
    {
        // Its consumers were waiting for it: nothing was bound before.
        Assert.Same(PolicyDecision.Allow, Denying.Review(Operation.Create, Gateway(After), null, WithPods()));
    }

    [Fact]
    public void An_update_of_a_Pod_runs_no_reverse_check()
    {
        var cluster = WithPods();
        var decision = Denying.Review(Operation.Update, Pod("default", "p-0", UseWaypoint("waypoint"), ("app", "x")), Pod("default", "p-0", UseWaypoint("waypoint")), cluster);

        Assert.Same(PolicyDecision.Allow, decision);
    }
}
