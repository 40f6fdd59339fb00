using WaypointWebhook.Policy.Configuration;
using WaypointWebhook.Policy.Model;
using static WaypointWebhook.Policy.Tests.Subjects;

namespace WaypointWebhook.Policy.Tests;

/// <summary>W1..W11, one behaviour per test, through the policy's CREATE evaluation.</summary>
public sealed class EnrollmentRuleTests
{
    private static TestCluster Cluster() =>
        TestCluster.WithIstioClasses().Namespace("default", Map([Ambient])).Namespace("app", Map([Ambient])).Namespace("infra", Map([Ambient]));

    private static IReadOnlyList<Finding> Evaluate(Subject subject, TestCluster? cluster = null) =>
        PolicyAssertions.Policy.Evaluate(subject, cluster ?? Cluster());

    [Theory]
    [InlineData("None")]
    [InlineData("NONE")]
    [InlineData("")]
    public void W1_opt_out_variants_are_denied_and_suggest_none(string value)
    {
        var findings = Evaluate(Service("default", "s", UseWaypoint(value)));

        Assert.Equal(["W1 InvalidLabelValue Deny metadata.labels[istio.io/use-waypoint]"], findings.Summarize());
        Assert.Contains("\"none\"", findings[0].Message);
    }

    [Theory]
    [InlineData("My-Waypoint", "my-waypoint")]
    [InlineData("way_point", null)]
    [InlineData("-waypoint", null)]
    [InlineData("a234567890123456789012345678901234567890123456789012345678901234", null)]
    public void W1_invalid_gateway_names_are_denied(string value, string? suggestion)
    {
        var findings = Evaluate(Service("default", "s", UseWaypoint(value)));

        Assert.Equal(["W1 InvalidLabelValue Deny metadata.labels[istio.io/use-waypoint]"], findings.Summarize());
        if (suggestion is not null)
        {
            Assert.Contains($"(for example \"{suggestion}\")", findings[0].Message);
        }
    }

    [Theory]
    [InlineData("waypoint")]
    [InlineData("waypoint.v2")]
    [InlineData("a23456789012345678901234567890123456789012345678901234567890123")]
    public void W1_valid_names_are_looked_up(string value)
    {
        var findings = Evaluate(Service("default", "s", UseWaypoint(value)), Cluster().Waypoint("default", value));

        Assert.Empty(findings);
    }

    [Fact]
    public void W1_invalid_name_is_not_looked_up_but_W11_still_applies()
    {
        var findings = Evaluate(Pod("nonambient", "p", UseWaypoint("Waypoint")));

        Assert.Equal(
            ["W1 InvalidLabelValue Deny metadata.labels[istio.io/use-waypoint]", "W11 NotInAmbient Warn metadata.labels[istio.io/use-waypoint]"],
            findings.Summarize());
    }

    [Theory]
    [InlineData("Infra")]
    [InlineData("infra.example")]
    [InlineData("")]
    public void W2_invalid_namespace_is_denied_and_not_looked_up(string value)
    {
        var findings = Evaluate(Service("default", "s", UseWaypoint("egress"), UseWaypointNamespace(value)));

        Assert.Equal(["W2 InvalidLabelValue Deny metadata.labels[istio.io/use-waypoint-namespace]"], findings.Summarize());
    }

    [Fact]
    public void W3_namespace_label_without_waypoint_label_only_warns()
    {
        // Spec v2 W3 says deny; istiod inherits the namespace's waypoint and serves the object (decision D1).
        var findings = Evaluate(Pod("default", "p", UseWaypointNamespace("infra")));

        Assert.Equal(["W3 NamespaceWithoutWaypoint Warn metadata.labels[istio.io/use-waypoint-namespace]"], findings.Summarize());
        Assert.Contains("istiod ignores it", findings[0].Message);
    }

    [Fact]
    public void W4_namespace_label_beside_none_warns()
    {
        var findings = Evaluate(Pod("default", "p", UseWaypoint("none"), UseWaypointNamespace("infra")));

        Assert.Equal(["W4 IgnoredLabel Warn metadata.labels[istio.io/use-waypoint-namespace]"], findings.Summarize());
    }

    [Fact]
    public void None_opts_out_with_no_finding()
    {
        Assert.Empty(Evaluate(Pod("nonambient", "p", UseWaypoint("none"))));
    }

    [Fact]
    public void No_label_no_finding()
    {
        Assert.Empty(Evaluate(Pod("default", "p", ("app", "x"))));
    }

    [Fact]
    public void W5_missing_waypoint_denies_when_configured()
    {
        var policy = new WaypointPolicy(new PolicyOptions { MissingWaypointVerdict = Verdict.Deny });

        var findings = policy.Evaluate(Service("default", "s", UseWaypoint("later")), Cluster());

        Assert.Equal(["W5 WaypointIsNotReady Deny metadata.labels[istio.io/use-waypoint]"], findings.Summarize());
    }

    [Fact]
    public void W5_waypoint_without_addresses_warns_on_top_of_other_findings_even_when_missing_is_deny()
    {
        var policy = new WaypointPolicy(new PolicyOptions { MissingWaypointVerdict = Verdict.Deny });
        var cluster = Cluster().Waypoint("default", "waypoint", addresses: false);

        var findings = policy.Evaluate(Pod("default", "p", UseWaypoint("waypoint")), cluster);

        Assert.Equal(
            ["W5 WaypointIsNotReady Warn metadata.labels[istio.io/use-waypoint]", "W7 UnsupportedTrafficType Deny metadata.labels[istio.io/use-waypoint]"],
            findings.Summarize());
        Assert.Contains("no status.addresses", findings[0].Message);
    }

    [Fact]
    public void W5_gateway_without_any_status_is_not_reported_as_unprogrammed()
    {
        var findings = Evaluate(Service("default", "s", UseWaypoint("waypoint")), Cluster().Waypoint("default", "waypoint", addresses: null));

        Assert.Empty(findings);
    }

    [Fact]
    public void W6_ends_resolution_no_traffic_type_or_attachment_finding()
    {
        var cluster = Cluster().Waypoint("infra", "ingress", className: "istio", waypointFor: "none");

        var findings = Evaluate(Pod("app", "p", UseWaypoint("ingress"), UseWaypointNamespace("infra")), cluster);

        Assert.Equal(["W6 NotAWaypoint Deny metadata.labels[istio.io/use-waypoint]"], findings.Summarize());
    }

    [Fact]
    public void W6_unknown_class_name_is_not_a_waypoint_but_default_class_name_is()
    {
        // An unknown controller may be a third-party waypoint: W6 only warns (decision D2).
        var cluster = new TestCluster().Namespace("default", Map([Ambient]))
            .Waypoint("default", "custom", className: "my-class")
            .Waypoint("default", "waypoint", className: "istio-waypoint", waypointFor: "all");

        Assert.Equal(["W6 NotAWaypoint Warn metadata.labels[istio.io/use-waypoint]"], Evaluate(Pod("default", "p", UseWaypoint("custom")), cluster).Summarize());
        Assert.Empty(Evaluate(Pod("default", "p", UseWaypoint("waypoint")), cluster));
    }

    [Fact]
    public void W6_class_controller_decides_over_class_name()
    {
        // A GatewayClass named like a waypoint class but run by another controller is not a waypoint; that
        // controller is unknown, so W6 only warns (decision D2).
        var cluster = new TestCluster().Namespace("default", Map([Ambient])).Class("istio-waypoint", "example.com/other").Waypoint("default", "w");

        Assert.Equal(["W6 NotAWaypoint Warn metadata.labels[istio.io/use-waypoint]"], Evaluate(Service("default", "s", UseWaypoint("w")), cluster).Summarize());
    }

    [Fact]
    public void W6_configured_agentgateway_controller_is_a_waypoint()
    {
        var cluster = Cluster().Class("agw", "istio.io/agentgateway-waypoint-controller").Waypoint("default", "w", className: "agw");

        Assert.Empty(Evaluate(Service("default", "s", UseWaypoint("w")), cluster));
    }

    [Theory]
    [InlineData(null, "Service", true)]
    [InlineData(null, "Pod", false)]
    [InlineData("service", "Pod", false)]
    [InlineData("workload", "Pod", true)]
    [InlineData("workload", "Service", false)]
    [InlineData("all", "Pod", true)]
    [InlineData("all", "Service", true)]
    [InlineData("none", "Service", false)]
    [InlineData("none", "Pod", false)]
    [InlineData("Workload", "Pod", false)]
    [InlineData("", "Service", false)]
    public void W7_traffic_type_matrix(string? waypointFor, string kind, bool allowed)
    {
        var subject = kind == "Pod" ? Pod("default", "p", UseWaypoint("w")) : Service("default", "s", UseWaypoint("w"));

        var findings = Evaluate(subject, Cluster().Waypoint("default", "w", waypointFor: waypointFor));

        Assert.Equal(allowed ? [] : ["W7 UnsupportedTrafficType Deny metadata.labels[istio.io/use-waypoint]"], findings.Summarize());
    }

    [Fact]
    public void W7_traffic_type_is_inherited_from_the_gateway_class()
    {
        var cluster = new TestCluster().Namespace("default", Map([Ambient]))
            .Class("istio-waypoint", "istio.io/mesh-controller", new Dictionary<string, string> { ["istio.io/waypoint-for"] = "workload" })
            .Waypoint("default", "w");

        var service = Evaluate(Service("default", "s", UseWaypoint("w")), cluster);

        Assert.Equal(["W7 UnsupportedTrafficType Deny metadata.labels[istio.io/use-waypoint]"], service.Summarize());
        Assert.Contains("from GatewayClass istio-waypoint", service[0].Message);
        Assert.Empty(Evaluate(Pod("default", "p", UseWaypoint("w")), cluster));
    }

    [Fact]
    public void W7_gateway_label_wins_over_class_label()
    {
        var cluster = new TestCluster().Namespace("default", Map([Ambient]))
            .Class("istio-waypoint", "istio.io/mesh-controller", new Dictionary<string, string> { ["istio.io/waypoint-for"] = "workload" })
            .Waypoint("default", "w", waypointFor: "service");

        Assert.Empty(Evaluate(Service("default", "s", UseWaypoint("w")), cluster));
    }

    [Fact]
    public void W7_pod_templates_and_workload_entries_need_workload_traffic()
    {
        var cluster = Cluster().Waypoint("default", "waypoint");

        Assert.Equal(
            ["W7 UnsupportedTrafficType Deny spec.template.metadata.labels[istio.io/use-waypoint]"],
            Evaluate(Deployment("default", "d", UseWaypoint("waypoint")), cluster).Summarize());
        Assert.Equal(
            ["W7 UnsupportedTrafficType Deny spec.labels[istio.io/use-waypoint]"],
            Evaluate(WorkloadEntry("default", "we", [], [UseWaypoint("waypoint")]), cluster).Summarize());
    }

    [Fact]
    public void WorkloadEntry_metadata_labels_win_over_spec_labels()
    {
        var cluster = Cluster().Waypoint("default", "waypoint").Waypoint("default", "wl", waypointFor: "workload");

        var findings = Evaluate(WorkloadEntry("default", "we", [UseWaypoint("wl")], [UseWaypoint("waypoint")]), cluster);

        Assert.Empty(findings);
    }

    [Fact]
    public void ServiceEntry_endpoints_are_judged_one_by_one_with_their_own_labels()
    {
        var cluster = Cluster().Waypoint("default", "waypoint").Waypoint("default", "wl", waypointFor: "workload");

        var findings = Evaluate(
            ServiceEntry("default", "se", [UseWaypoint("waypoint")], [UseWaypoint("wl")], [UseWaypoint("waypoint")], [("app", "x")]),
            cluster);

        Assert.Equal(["W7 UnsupportedTrafficType Deny spec.endpoints[1].labels[istio.io/use-waypoint]"], findings.Summarize());
        Assert.Contains("ServiceEntry default/se spec.endpoints[1].labels", findings[0].Message);
        Assert.Contains("a ServiceEntry endpoint needs workload traffic", findings[0].Message);
    }

    [Fact]
    public void W8_same_namespace_reference_is_allowed_by_default()
    {
        Assert.Empty(Evaluate(Service("default", "s", UseWaypoint("waypoint")), Cluster().Waypoint("default", "waypoint")));
    }

    [Fact]
    public void W8_applies_within_one_namespace_too()
    {
        var routes = new RouteNamespaces("Selector", new LabelSelector(new Dictionary<string, string?> { ["team"] = "a" }, null));

        var findings = Evaluate(Service("default", "s", UseWaypoint("waypoint")), Cluster().Waypoint("default", "waypoint", routes: routes));

        Assert.Equal(["W8 AttachmentDenied Deny metadata.labels[istio.io/use-waypoint]"], findings.Summarize());
        Assert.Contains("admits only namespaces matching its allowedRoutes selector", findings[0].Message);
    }

    [Fact]
    public void W8_from_All_admits_any_namespace()
    {
        var findings = Evaluate(
            Service("app", "s", UseWaypoint("egress"), UseWaypointNamespace("infra")),
            Cluster().Waypoint("infra", "egress", routes: new RouteNamespaces("All", null)));

        Assert.Empty(findings);
    }

    [Fact]
    public void W8_selector_reads_the_consumer_namespace_labels_from_the_cluster()
    {
        var routes = new RouteNamespaces("Selector", new LabelSelector(new Dictionary<string, string?> { ["mesh"] = "shared" }, null));
        var cluster = Cluster().Namespace("team-a", new() { ["mesh"] = "shared", ["istio.io/dataplane-mode"] = "ambient" }).Namespace("team-b")
            .Waypoint("infra", "egress", routes: routes);

        Assert.Empty(Evaluate(Service("team-a", "s", UseWaypoint("egress"), UseWaypointNamespace("infra")), cluster));
        Assert.Equal(
            ["W8 AttachmentDenied Deny metadata.labels[istio.io/use-waypoint]"],
            Evaluate(Service("team-b", "s", UseWaypoint("egress"), UseWaypointNamespace("infra")), cluster).Summarize());
    }

    [Fact]
    public void W8_namespace_subject_is_judged_with_its_own_new_labels()
    {
        var routes = new RouteNamespaces("Selector", new LabelSelector(new Dictionary<string, string?> { ["mesh"] = "shared" }, null));
        var cluster = Cluster().Namespace("app", new() { ["mesh"] = "old" }).Waypoint("infra", "egress", waypointFor: "all", routes: routes);

        var findings = Evaluate(Namespace("app", UseWaypoint("egress"), UseWaypointNamespace("infra"), ("mesh", "shared"), Ambient), cluster);

        Assert.Empty(findings);
    }

    [Fact]
    public void W9_namespace_waypoint_accepting_nothing_is_denied()
    {
        var cluster = Cluster().Waypoint("app", "w", waypointFor: "none");

        var findings = Evaluate(Namespace("app", UseWaypoint("w"), Ambient), cluster);

        Assert.Equal(["W9 UnsupportedTrafficType Deny metadata.labels[istio.io/use-waypoint]"], findings.Summarize());
    }

    [Fact]
    public void W9_namespace_waypoint_with_unknown_traffic_type_is_denied()
    {
        var findings = Evaluate(Namespace("app", UseWaypoint("w"), Ambient), Cluster().Waypoint("app", "w", waypointFor: "Service"));

        Assert.Equal(["W9 UnsupportedTrafficType Deny metadata.labels[istio.io/use-waypoint]"], findings.Summarize());
        Assert.Contains("invalid istio.io/waypoint-for=\"Service\"", findings[0].Message);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("service")]
    [InlineData("all")]
    public void W9_namespace_waypoint_for_services_is_fine(string? waypointFor)
    {
        Assert.Empty(Evaluate(Namespace("app", UseWaypoint("w"), Ambient), Cluster().Waypoint("app", "w", waypointFor: waypointFor)));
    }

    [Fact]
    public void W9_namespace_applies_W5_W6_W8()
    {
        var cluster = Cluster().Waypoint("infra", "ingress", className: "istio").Waypoint("infra", "private");

        Assert.Equal(["W5 WaypointIsNotReady Warn metadata.labels[istio.io/use-waypoint]"], Evaluate(Namespace("app", UseWaypoint("missing"), Ambient), cluster).Summarize());
        Assert.Equal(["W6 NotAWaypoint Deny metadata.labels[istio.io/use-waypoint]"], Evaluate(Namespace("app", UseWaypoint("ingress"), UseWaypointNamespace("infra"), Ambient), cluster).Summarize());
        Assert.Equal(["W8 AttachmentDenied Deny metadata.labels[istio.io/use-waypoint]"], Evaluate(Namespace("app", UseWaypoint("private"), UseWaypointNamespace("infra"), Ambient), cluster).Summarize());
    }

    [Theory]
    [InlineData("true", false)]
    [InlineData("T", false)]
    [InlineData("0", false)]
    [InlineData("False", false)]
    [InlineData("yes", true)]
    [InlineData("tRUE", true)]
    [InlineData("", true)]
    public void W10_ingress_use_waypoint_must_parse_as_a_go_boolean(string value, bool warns)
    {
        var findings = Evaluate(Service("default", "s", ("istio.io/ingress-use-waypoint", value)));

        Assert.Equal(warns ? ["W10 InvalidLabelValue Warn metadata.labels[istio.io/ingress-use-waypoint]"] : [], findings.Summarize());
    }

    [Fact]
    public void W10_applies_to_namespaces_and_service_entries_but_not_pods()
    {
        (string, string) label = ("istio.io/ingress-use-waypoint", "yes");

        Assert.Single(Evaluate(Namespace("app", label)));
        Assert.Single(Evaluate(ServiceEntry("app", "se", [label])));
        Assert.Empty(Evaluate(Pod("default", "p", label)));
    }

    [Fact]
    public void W11_pod_outside_ambient_warns()
    {
        var cluster = Cluster().Namespace("legacy").Waypoint("legacy", "w", waypointFor: "workload");

        var findings = Evaluate(Pod("legacy", "p", UseWaypoint("w")), cluster);

        Assert.Equal(["W11 NotInAmbient Warn metadata.labels[istio.io/use-waypoint]"], findings.Summarize());
        Assert.Contains("kubectl label namespace legacy istio.io/dataplane-mode=ambient", findings[0].Message);
    }

    [Fact]
    public void W11_pod_with_its_own_ambient_label_is_enrolled()
    {
        var cluster = Cluster().Namespace("legacy").Waypoint("legacy", "w", waypointFor: "workload");

        Assert.Empty(Evaluate(Pod("legacy", "p", UseWaypoint("w"), Ambient), cluster));
    }

    [Fact]
    public void W11_pod_opted_out_of_ambient_in_an_ambient_namespace_warns()
    {
        var cluster = Cluster().Waypoint("default", "w", waypointFor: "workload");

        var findings = Evaluate(Pod("default", "p", UseWaypoint("w"), ("istio.io/dataplane-mode", "none")), cluster);

        Assert.Equal(["W11 NotInAmbient Warn metadata.labels[istio.io/use-waypoint]"], findings.Summarize());
    }

    [Fact]
    public void W11_namespace_reads_its_own_label_and_services_are_not_checked()
    {
        Assert.Equal(["W5 WaypointIsNotReady Warn metadata.labels[istio.io/use-waypoint]", "W11 NotInAmbient Warn metadata.labels[istio.io/use-waypoint]"], Evaluate(Namespace("x", UseWaypoint("w"))).Summarize());
        Assert.Empty(Evaluate(Service("legacy", "s", UseWaypoint("w")), Cluster().Waypoint("legacy", "w")));
    }

    [Fact]
    public void Several_findings_are_all_reported()
    {
        var cluster = Cluster().Waypoint("infra", "waypoint", addresses: false);

        var findings = Evaluate(Pod("app", "p", UseWaypoint("waypoint"), UseWaypointNamespace("infra"), ("istio.io/dataplane-mode", "none")), cluster);

        Assert.Equal(
            [
                "W5 WaypointIsNotReady Warn metadata.labels[istio.io/use-waypoint]",
                "W7 UnsupportedTrafficType Deny metadata.labels[istio.io/use-waypoint]",
                "W8 AttachmentDenied Deny metadata.labels[istio.io/use-waypoint]",
                "W11 NotInAmbient Warn metadata.labels[istio.io/use-waypoint]",
            ],
            findings.Summarize());
    }

    [Fact]
    public void Messages_name_object_label_waypoint_and_fix()
    {
        var finding = Evaluate(Pod("default", "ratings", UseWaypoint("waypoint")), Cluster().Waypoint("default", "waypoint")).Single();

        Assert.StartsWith("Pod default/ratings: istio.io/use-waypoint=waypoint refers to waypoint default/waypoint", finding.Message);
        Assert.Contains("Fix:", finding.Message);
    }

    [Fact]
    public void Message_quotes_hostile_values_safely()
    {
        var finding = Evaluate(Pod("default", "p", UseWaypoint("bad\nvalue\u0007"))).First();

        Assert.DoesNotContain('\n', finding.Message);
        Assert.Contains("bad\\u000avalue\\u0007", finding.Message);
    }
}
