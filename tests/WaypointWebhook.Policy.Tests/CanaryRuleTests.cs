using WaypointWebhook.Policy.Model;
using static WaypointWebhook.Policy.Tests.Subjects;

namespace WaypointWebhook.Policy.Tests;

/// <summary>C1..C4: the canary waypoint labels and the weight annotation, own and inherited.</summary>
public sealed class CanaryRuleTests
{
    private static readonly WaypointPolicy Policy = PolicyAssertions.Policy;

    private static (string, string) Canary(string value) => ("istio.io/use-waypoint-canary", value);

    private static (string, string) CanaryNamespace(string value) => ("istio.io/use-waypoint-canary-namespace", value);

    private static EnrollingSubject WithWeight(EnrollingSubject subject, string weight) =>
        subject with { Annotations = new Dictionary<string, string> { ["istio.io/use-waypoint-canary-weight"] = weight } };

    private static TestCluster Cluster() =>
        TestCluster.WithIstioClasses().Namespace("default", Map([Ambient])).Namespace("infra", Map([Ambient]))
            .Waypoint("default", "waypoint").Waypoint("default", "v2")
            .Waypoint("default", "ingress", className: "istio")
            .Waypoint("default", "third", className: "third-party")
            .Waypoint("default", "wl", waypointFor: "workload")
            .Waypoint("infra", "same")
            .Waypoint("default", "pending", addresses: false);

    private static PolicyDecision Create(Subject subject, TestCluster? cluster = null) => Policy.Review(Operation.Create, subject, null, cluster ?? Cluster());

    [Fact]
    public void A_good_canary_is_allowed_silently()
    {
        Assert.Same(PolicyDecision.Allow, Create(WithWeight(Service("default", "s", UseWaypoint("waypoint"), Canary("v2")), "10")));
        Assert.Same(PolicyDecision.Allow, Create(Service("default", "s", UseWaypoint("waypoint"), Canary("none"))));
        Assert.Same(PolicyDecision.Allow, Create(Service("default", "s", UseWaypoint("waypoint"), Canary(""))));
    }

    // ---- C1

    [Theory]
    [InlineData("V2", "C1 InvalidLabelValue Warn metadata.labels[istio.io/use-waypoint-canary]")]
    [InlineData("None", "C1 InvalidLabelValue Warn metadata.labels[istio.io/use-waypoint-canary]")]
    public void C1_invalid_canary_name_warns_and_is_not_looked_up(string value, string expected)
    {
        var decision = Create(Service("default", "s", UseWaypoint("waypoint"), Canary(value)));

        Assert.True(decision.Allowed);
        Assert.Equal([expected], decision.Warnings.Summarize());
        Assert.Contains("Canary waypoint not attached", decision.Warnings[0].Message);
    }

    [Fact]
    public void C1_invalid_canary_namespace_warns()
    {
        Assert.Equal(["C1 InvalidLabelValue Warn metadata.labels[istio.io/use-waypoint-canary-namespace]"],
            Create(Service("default", "s", UseWaypoint("waypoint"), Canary("v2"), CanaryNamespace("Bad_NS"))).Warnings.Summarize());
    }

    [Theory]
    [InlineData("abc", false)]
    [InlineData("-1", false)]
    [InlineData("101", false)]
    [InlineData("", false)]
    [InlineData(" 5", false)]
    [InlineData("5.0", false)]
    [InlineData("0", true)]
    [InlineData("100", true)]
    [InlineData("+42", true)]
    [InlineData("007", true)]
    [InlineData("-0", true)]
    public void C1_weight_is_parsed_as_go_atoi_in_0_to_100(string weight, bool valid)
    {
        var decision = Create(WithWeight(Service("default", "s", UseWaypoint("waypoint"), Canary("v2")), weight));

        Assert.True(decision.Allowed);
        Assert.Equal(valid ? [] : ["C1 InvalidLabelValue Warn metadata.annotations[istio.io/use-waypoint-canary-weight]"], decision.Warnings.Summarize());
    }

    // ---- C2

    [Fact]
    public void C2_canary_namespace_without_canary_or_beside_none()
    {
        Assert.Equal(["C2 IgnoredLabel Warn metadata.labels[istio.io/use-waypoint-canary-namespace]"],
            Create(Service("default", "s", UseWaypoint("waypoint"), CanaryNamespace("infra"))).Warnings.Summarize());
        Assert.Equal(["C2 IgnoredLabel Warn metadata.labels[istio.io/use-waypoint-canary-namespace]"],
            Create(Service("default", "s", UseWaypoint("waypoint"), Canary("none"), CanaryNamespace("infra"))).Warnings.Summarize());
    }

    [Fact]
    public void C2_canary_without_primary()
    {
        Assert.Equal(["C2 IgnoredLabel Warn metadata.labels[istio.io/use-waypoint-canary]"], Create(Service("default", "s", Canary("v2"))).Warnings.Summarize());
        Assert.Equal(["C2 IgnoredLabel Warn metadata.labels[istio.io/use-waypoint-canary]"], Create(Service("default", "s", UseWaypoint("none"), Canary("v2"))).Warnings.Summarize());
    }

    [Fact]
    public void A_broken_primary_is_still_a_primary_and_its_canary_is_not_looked_up()
    {
        Assert.Equal(["W1 InvalidLabelValue Deny metadata.labels[istio.io/use-waypoint]"], Create(Service("default", "s", UseWaypoint("None"), Canary("ingress"))).Denials.Summarize());
        Assert.Empty(Create(Service("default", "s", UseWaypoint("None"), Canary("ingress"))).Warnings);
    }

    [Fact]
    public void C2_canary_same_as_primary()
    {
        var decision = Create(Service("default", "s", UseWaypoint("waypoint"), Canary("waypoint")));

        Assert.Equal(["C2 IgnoredLabel Warn metadata.labels[istio.io/use-waypoint-canary]"], decision.Warnings.Summarize());
        Assert.Contains("CanarySameAsPrimary", decision.Warnings[0].Message);
    }

    [Fact]
    public void C2_weight_without_canary()
    {
        Assert.Equal(["C2 IgnoredLabel Warn metadata.annotations[istio.io/use-waypoint-canary-weight]"],
            Create(WithWeight(Service("default", "s", UseWaypoint("waypoint")), "10")).Warnings.Summarize());
    }

    [Fact]
    public void C2_canary_keys_where_istiod_reads_no_canary()
    {
        var cluster = Cluster().Waypoint("default", "all", waypointFor: "all");

        Assert.Equal(["C2 IgnoredLabel Warn metadata.labels[istio.io/use-waypoint-canary]"], Create(Pod("default", "p", UseWaypoint("all"), Canary("v2")), cluster).Warnings.Summarize());
        Assert.Equal(["C2 IgnoredLabel Warn spec.template.metadata.labels[istio.io/use-waypoint-canary-namespace]"], Create(Deployment("default", "d", UseWaypoint("all"), CanaryNamespace("x")), cluster).Warnings.Summarize());
        Assert.Equal(["C2 IgnoredLabel Warn spec.labels[istio.io/use-waypoint-canary]"], Create(WorkloadEntry("default", "w", [UseWaypoint("all")], [Canary("v2")]), cluster).Warnings.Summarize());
    }

    // ---- C3

    [Theory]
    [InlineData("missing", "C3 WaypointIsNotReady")]
    [InlineData("pending", "C3 WaypointIsNotReady")]
    [InlineData("wl", "C3 UnsupportedTrafficType")]
    public void C3_canary_target_failures_warn(string canary, string expected)
    {
        var decision = Create(Service("default", "s", UseWaypoint("waypoint"), Canary(canary)));

        Assert.True(decision.Allowed);
        Assert.Equal([$"{expected} Warn metadata.labels[istio.io/use-waypoint-canary]"], decision.Warnings.Summarize());
        Assert.Contains("istiod keeps the primary waypoint", decision.Warnings[0].Message);
    }

    [Fact]
    public void C3_canary_refusing_the_namespace_warns()
    {
        var decision = Create(Service("default", "s", UseWaypoint("waypoint"), Canary("same"), CanaryNamespace("infra")));

        Assert.Equal(["C3 AttachmentDenied Warn metadata.labels[istio.io/use-waypoint-canary]"], decision.Warnings.Summarize());
    }

    [Fact]
    public void Canary_is_not_looked_up_while_the_primary_fails()
    {
        var decision = Create(Service("default", "s", UseWaypoint("wl"), Canary("missing")));

        Assert.Equal(["W7 UnsupportedTrafficType Deny metadata.labels[istio.io/use-waypoint]"], decision.Denials.Summarize());
        Assert.Empty(decision.Warnings);
    }

    // ---- C4

    [Fact]
    public void C4_canary_on_a_non_waypoint_gateway_is_denied()
    {
        var decision = Create(WithWeight(Service("default", "s", UseWaypoint("waypoint"), Canary("ingress")), "5"));

        Assert.Equal(["C4 NotAWaypoint Deny metadata.labels[istio.io/use-waypoint-canary]"], decision.Denials.Summarize());
        Assert.Contains("5% of new connections", decision.Denials[0].Message);
    }

    [Fact]
    public void C4_canary_of_an_unknown_controller_only_warns()
    {
        Assert.Equal(["C4 NotAWaypoint Warn metadata.labels[istio.io/use-waypoint-canary]"], Create(Service("default", "s", UseWaypoint("waypoint"), Canary("third"))).Warnings.Summarize());
    }

    // ---- Inheritance from the namespace

    private static TestCluster AppNamespace(Dictionary<string, string>? annotations, params (string Key, string Value)[] labels)
    {
        var cluster = Cluster().Waypoint("app", "waypoint").Waypoint("app", "v2").Waypoint("app", "ingress", className: "istio");
        cluster.Namespace("app", Map([Ambient, .. labels]));
        return annotations is null ? cluster : cluster.NamespaceAnnotations("app", annotations);
    }

    [Fact]
    public void Canary_inherited_from_the_namespace_warns_only_even_for_c4()
    {
        var cluster = AppNamespace(null, UseWaypoint("waypoint"), Canary("ingress"));

        var decision = Create(Service("app", "s"), cluster);

        Assert.True(decision.Allowed);
        Assert.Equal(["C4 NotAWaypoint Warn metadata.labels[istio.io/use-waypoint-canary]"], decision.Warnings.Summarize());
        Assert.Contains("inherited from Namespace app", decision.Warnings[0].Message);
    }

    [Fact]
    public void Own_canary_key_blocks_the_namespace_canary()
    {
        var cluster = AppNamespace(null, UseWaypoint("waypoint"), Canary("ingress"));

        Assert.Same(PolicyDecision.Allow, Create(Service("app", "s", Canary("none")), cluster));
    }

    [Fact]
    public void Own_use_waypoint_blocks_the_namespace_canary_and_weight()
    {
        var cluster = AppNamespace(new Dictionary<string, string> { ["istio.io/use-waypoint-canary-weight"] = "abc" }, UseWaypoint("waypoint"), Canary("ingress"));

        Assert.Same(PolicyDecision.Allow, Create(Service("app", "s", UseWaypoint("waypoint")), cluster));
    }

    [Fact]
    public void Weight_is_inherited_from_the_namespace_without_an_own_use_waypoint()
    {
        var cluster = AppNamespace(new Dictionary<string, string> { ["istio.io/use-waypoint-canary-weight"] = "abc" }, UseWaypoint("waypoint"), Canary("v2"));

        var decision = Create(Service("app", "s"), cluster);

        Assert.Equal(["C1 InvalidLabelValue Warn metadata.annotations[istio.io/use-waypoint-canary-weight]"], decision.Warnings.Summarize());
        Assert.Contains("inherited from Namespace app", decision.Warnings[0].Message);
    }

    [Fact]
    public void Canary_namespace_comes_from_the_same_label_set_as_the_canary()
    {
        var cluster = AppNamespace(null, UseWaypoint("waypoint"), Canary("same"), CanaryNamespace("infra"));

        Assert.Equal(["C3 AttachmentDenied Warn metadata.labels[istio.io/use-waypoint-canary]"], Create(Service("app", "s"), cluster).Warnings.Summarize());

        // The Service's own canary takes its own (absent) canary namespace: app/v2.
        Assert.Same(PolicyDecision.Allow, Create(Service("app", "s", Canary("v2")), cluster));
    }

    [Fact]
    public void Canary_on_a_namespace_itself_is_judged()
    {
        var decision = Create(Namespace("default", UseWaypoint("waypoint"), Canary("ingress"), Ambient));

        Assert.Equal(["C4 NotAWaypoint Deny metadata.labels[istio.io/use-waypoint-canary]"], decision.Denials.Summarize());
    }

    [Fact]
    public void Canary_update_denies_only_when_the_canary_changed()
    {
        var before = Service("default", "s", UseWaypoint("waypoint"), Canary("ingress"), ("version", "1"));
        var unrelated = Service("default", "s", UseWaypoint("waypoint"), Canary("ingress"), ("version", "2"));
        var changed = Service("default", "s", UseWaypoint("waypoint"), Canary("ingress"));

        Assert.True(Policy.Review(Operation.Update, unrelated, before, Cluster()).Allowed);
        Assert.True(Policy.Review(Operation.Update, unrelated, Service("default", "s", UseWaypoint("waypoint"), Canary("v2")), Cluster()).Allowed == false);
        Assert.True(Policy.Review(Operation.Update, changed, WithWeight(changed, "5"), Cluster()).Allowed == false);
    }
}
