using WaypointWebhook.Policy.Model;
using static WaypointWebhook.Policy.Tests.Subjects;

namespace WaypointWebhook.Policy.Tests;

/// <summary>Spec section 5: on UPDATE a finding denies only when the user's change caused it.</summary>
public sealed class UpdatePrecisionTests
{
    private static readonly WaypointPolicy Policy = PolicyAssertions.Policy;

    private static TestCluster Cluster() =>
        TestCluster.WithIstioClasses().Namespace("default", Map([Ambient])).Namespace("app", Map([Ambient])).Namespace("infra", Map([Ambient]));

    private static PolicyDecision Update(Subject after, Subject before, TestCluster cluster) => Policy.Review(Operation.Update, after, before, cluster);

    // ---- A Namespace's label change: Same, All and Selector listeners.

    [Fact]
    public void Labelling_a_namespace_ambient_keeps_a_same_listener_deny_as_a_warning()
    {
        var cluster = Cluster().Waypoint("infra", "shared");
        var before = Namespace("app", UseWaypoint("shared"), UseWaypointNamespace("infra"));
        var after = Namespace("app", UseWaypoint("shared"), UseWaypointNamespace("infra"), Ambient);

        var decision = Update(after, before, cluster);

        Assert.True(decision.Allowed);
        Assert.Equal(["W8 AttachmentDenied Warn metadata.labels[istio.io/use-waypoint]"], decision.Warnings.Summarize());
    }

    [Fact]
    public void Labelling_a_namespace_with_an_all_listener_has_nothing_to_report()
    {
        var cluster = Cluster().Waypoint("infra", "shared", routes: new RouteNamespaces("All", null));
        var before = Namespace("app", UseWaypoint("shared"), UseWaypointNamespace("infra"));
        var after = Namespace("app", UseWaypoint("shared"), UseWaypointNamespace("infra"), Ambient);

        Assert.Same(PolicyDecision.Allow, Update(after, before, cluster));
    }

    [Fact]
    public void Label_change_that_breaks_a_selector_attachment_denies()
    {
        var routes = new RouteNamespaces("Selector", new LabelSelector(new Dictionary<string, string?> { ["team"] = "a" }, null));
        var cluster = Cluster().Waypoint("infra", "shared", routes: routes);
        var before = Namespace("app", UseWaypoint("shared"), UseWaypointNamespace("infra"), ("team", "a"), Ambient);
        var after = Namespace("app", UseWaypoint("shared"), UseWaypointNamespace("infra"), ("team", "b"), Ambient);

        Assert.Equal(["W8 AttachmentDenied Deny metadata.labels[istio.io/use-waypoint]"], Update(after, before, cluster).Denials.Summarize());
    }

    [Fact]
    public void Label_change_under_a_selector_that_already_refused_only_warns()
    {
        var routes = new RouteNamespaces("Selector", new LabelSelector(new Dictionary<string, string?> { ["team"] = "a" }, null));
        var cluster = Cluster().Waypoint("infra", "shared", routes: routes);
        var before = Namespace("app", UseWaypoint("shared"), UseWaypointNamespace("infra"), ("team", "b"), Ambient);
        var after = Namespace("app", UseWaypoint("shared"), UseWaypointNamespace("infra"), ("team", "c"), Ambient);

        var decision = Update(after, before, cluster);

        Assert.True(decision.Allowed);
        Assert.Equal(["W8 AttachmentDenied Warn metadata.labels[istio.io/use-waypoint]"], decision.Warnings.Summarize());
    }

    [Fact]
    public void Changing_a_namespace_waypoint_label_denies()
    {
        var cluster = Cluster().Waypoint("infra", "shared").Waypoint("infra", "other");
        var before = Namespace("app", UseWaypoint("shared"), UseWaypointNamespace("infra"), Ambient);
        var after = Namespace("app", UseWaypoint("other"), UseWaypointNamespace("infra"), Ambient);

        Assert.Equal(["W8 AttachmentDenied Deny metadata.labels[istio.io/use-waypoint]"], Update(after, before, cluster).Denials.Summarize());
    }

    [Fact]
    public void Unrelated_label_change_keeps_every_namespace_deny_a_warning()
    {
        var cluster = Cluster().Waypoint("default", "ingress", className: "istio");
        var before = Namespace("app", UseWaypoint("ingress"), UseWaypointNamespace("default"));
        var after = Namespace("app", UseWaypoint("ingress"), UseWaypointNamespace("default"), Ambient);

        var decision = Update(after, before, cluster);

        Assert.True(decision.Allowed);
        Assert.Equal(["W6 NotAWaypoint Warn metadata.labels[istio.io/use-waypoint]"], decision.Warnings.Summarize());
    }

    // ---- ServiceEntry endpoints are paired by address.

    private static EnrollingSubject Entry(params (string? Address, (string, string)[] Labels)[] endpoints)
    {
        var se = ServiceEntry("default", "se", [], endpoints.Select(e => e.Labels).ToArray());
        var enrollments = se.Enrollments.Select((e, i) => i == 0 ? e : e with { Address = endpoints[i - 1].Address }).ToList();
        return se with { Enrollments = enrollments };
    }

    private static readonly (string, string)[] Broken = [UseWaypoint("waypoint")];

    private static TestCluster EndpointCluster() => Cluster().Waypoint("default", "waypoint");

    [Fact]
    public void Prepending_an_endpoint_denies_only_the_new_one()
    {
        var before = Entry(("10.0.0.1", Broken));
        var after = Entry(("10.0.0.2", Broken), ("10.0.0.1", Broken));

        var decision = Update(after, before, EndpointCluster());

        Assert.Equal(["W7 UnsupportedTrafficType Deny spec.endpoints[0].labels[istio.io/use-waypoint]"], decision.Denials.Summarize());
        Assert.Equal(["W7 UnsupportedTrafficType Warn spec.endpoints[1].labels[istio.io/use-waypoint]"], decision.Warnings.Summarize());
    }

    [Fact]
    public void Reordering_endpoints_denies_nothing()
    {
        var before = Entry(("10.0.0.1", Broken), ("10.0.0.2", []), ("10.0.0.3", Broken));
        var after = Entry(("10.0.0.3", Broken), ("10.0.0.1", Broken), ("10.0.0.2", []));

        var decision = Update(after, before, EndpointCluster());

        Assert.True(decision.Allowed);
        Assert.Equal(["W7 UnsupportedTrafficType Warn spec.endpoints[0,1].labels[istio.io/use-waypoint]"], decision.Warnings.Summarize());
    }

    [Fact]
    public void Appending_an_endpoint_denies_only_the_new_one()
    {
        var before = Entry(("10.0.0.1", Broken));
        var after = Entry(("10.0.0.1", Broken), ("10.0.0.2", Broken));

        var decision = Update(after, before, EndpointCluster());

        Assert.Equal(["W7 UnsupportedTrafficType Deny spec.endpoints[1].labels[istio.io/use-waypoint]"], decision.Denials.Summarize());
        Assert.Equal(["W7 UnsupportedTrafficType Warn spec.endpoints[0].labels[istio.io/use-waypoint]"], decision.Warnings.Summarize());
    }

    [Fact]
    public void Changing_an_endpoint_s_labels_denies_it()
    {
        var before = Entry(("10.0.0.1", []), ("10.0.0.2", Broken));
        var after = Entry(("10.0.0.1", Broken), ("10.0.0.2", Broken));

        var decision = Update(after, before, EndpointCluster());

        Assert.Equal(["W7 UnsupportedTrafficType Deny spec.endpoints[0].labels[istio.io/use-waypoint]"], decision.Denials.Summarize());
        Assert.Equal(["W7 UnsupportedTrafficType Warn spec.endpoints[1].labels[istio.io/use-waypoint]"], decision.Warnings.Summarize());
    }

    [Fact]
    public void Endpoints_without_an_address_are_paired_by_index()
    {
        var before = Entry((null, Broken));
        var after = Entry((null, Broken), (null, Broken));

        var decision = Update(after, before, EndpointCluster());

        Assert.Equal(["W7 UnsupportedTrafficType Deny spec.endpoints[1].labels[istio.io/use-waypoint]"], decision.Denials.Summarize());
    }

    // ---- Pods and templates: only their waypoint labels.

    [Fact]
    public void Pod_template_change_other_than_waypoint_labels_only_warns()
    {
        var cluster = Cluster().Waypoint("default", "waypoint");
        var before = Deployment("default", "d", UseWaypoint("waypoint"), ("version", "v1"));
        var after = Deployment("default", "d", UseWaypoint("waypoint"), ("version", "v2"));

        Assert.True(Update(after, before, cluster).Allowed);
    }
}
