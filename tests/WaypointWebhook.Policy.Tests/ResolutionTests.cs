using WaypointWebhook.Policy.Model;
using WaypointWebhook.Policy.Resolution;
using static WaypointWebhook.Policy.Tests.Subjects;

namespace WaypointWebhook.Policy.Tests;

/// <summary>istiod's resolution semantics: label selectors and the choice of the attachment listener.</summary>
public sealed class ResolutionTests
{
    private static readonly Dictionary<string, string> AppLabels = new() { ["kubernetes.io/metadata.name"] = "app", ["tier"] = "web", ["team"] = "a" };

    private static LabelSelectorRequirement Req(string key, string op, params string[] values) => new(key, op, values.Length == 0 ? null : values);

    [Fact]
    public void Absent_selector_matches_nothing_and_empty_selector_matches_everything()
    {
        Assert.False(LabelSelectors.Matches(null, AppLabels));
        Assert.True(LabelSelectors.Matches(new LabelSelector(null, null), AppLabels));
        Assert.True(LabelSelectors.Matches(new LabelSelector(new Dictionary<string, string?>(), []), new Dictionary<string, string>()));
    }

    [Theory]
    [InlineData("tier", "In", "web,api", true)]
    [InlineData("tier", "In", "api", false)]
    [InlineData("missing", "In", "web", false)]
    [InlineData("tier", "NotIn", "api", true)]
    [InlineData("tier", "NotIn", "web", false)]
    [InlineData("missing", "NotIn", "web", true)]
    [InlineData("tier", "Exists", "", true)]
    [InlineData("missing", "Exists", "", false)]
    [InlineData("tier", "DoesNotExist", "", false)]
    [InlineData("missing", "DoesNotExist", "", true)]
    public void Match_expression_operators(string key, string op, string values, bool expected)
    {
        var selector = new LabelSelector(null, [Req(key, op, values.Split(',', StringSplitOptions.RemoveEmptyEntries))]);

        Assert.Equal(expected, LabelSelectors.Matches(selector, AppLabels));
    }

    [Fact]
    public void Match_labels_and_expressions_are_ANDed()
    {
        var both = new LabelSelector(new Dictionary<string, string?> { ["team"] = "a" }, [Req("tier", "In", "web")]);
        var one = new LabelSelector(new Dictionary<string, string?> { ["team"] = "b" }, [Req("tier", "In", "web")]);

        Assert.True(LabelSelectors.Matches(both, AppLabels));
        Assert.False(LabelSelectors.Matches(one, AppLabels));
    }

    [Theory]
    [InlineData("Equals", "x", "operator \"Equals\" is not one of In, NotIn, Exists, DoesNotExist")]
    [InlineData("In", "", "operator In needs at least one value")]
    [InlineData("NotIn", "", "operator NotIn needs at least one value")]
    [InlineData("Exists", "x", "operator Exists takes no values")]
    [InlineData("DoesNotExist", "x", "operator DoesNotExist takes no values")]
    [InlineData("In", "bad value", "value \"bad value\" is not a valid label value")]
    public void Invalid_selectors_are_explained_and_match_nothing(string op, string values, string problem)
    {
        var selector = new LabelSelector(null, [Req("tier", op, values.Split(',', StringSplitOptions.RemoveEmptyEntries))]);

        Assert.Equal($"matchExpressions[0] {problem}", LabelSelectors.Problem(selector));
        Assert.False(LabelSelectors.Matches(selector, AppLabels));
    }

    [Fact]
    public void Invalid_label_keys_are_explained()
    {
        Assert.Equal("matchLabels key \"bad key\" is not a valid label key", LabelSelectors.Problem(new LabelSelector(new Dictionary<string, string?> { ["bad key"] = "x" }, null)));
        Assert.Equal("matchExpressions[0] key \"Example.com/x\" is not a valid label key", LabelSelectors.Problem(new LabelSelector(null, [Req("Example.com/x", "Exists")])));
        Assert.Null(LabelSelectors.Problem(new LabelSelector(new Dictionary<string, string?> { ["example.com/x_y.z"] = "" }, null)));
    }

    [Fact]
    public void Default_attachment_listener_is_the_first_HBONE_on_15008()
    {
        var gateway = TestCluster.MakeGateway("infra", "w", listeners:
        [
            new ListenerInfo("http", 80, "HTTP", new RouteNamespaces("All", null)),
            new ListenerInfo("wrong-port", 15009, "HBONE", new RouteNamespaces("All", null)),
            new ListenerInfo("mesh", 15008, "HBONE", null),
            new ListenerInfo("mesh2", 15008, "HBONE", new RouteNamespaces("All", null)),
        ]);

        var (index, listener) = Attachment.AttachmentListener(gateway, null);

        Assert.Equal(2, index);
        Assert.False(Attachment.Allows(gateway, listener, "app", AppLabels));
    }

    [Fact]
    public void No_attachment_listener_means_Same()
    {
        var gateway = TestCluster.MakeGateway("infra", "w", listeners: [new ListenerInfo("http", 80, "HTTP", new RouteNamespaces("All", null))]);

        var (index, listener) = Attachment.AttachmentListener(gateway, null);

        Assert.Equal(-1, index);
        Assert.True(Attachment.Allows(gateway, listener, "infra", AppLabels));
        Assert.False(Attachment.Allows(gateway, listener, "app", AppLabels));
    }

    [Theory]
    [InlineData("PROXY", "proxy")]
    [InlineData("PROXY/15088", "custom")]
    [InlineData("NONE/15088", "custom")]

    // Spec v2 section 3: a protocol other than exactly PROXY or NONE is no binding, and a binding that
    // picks nothing falls back to the HBONE listener (these two rows asserted "custom" and null before).
    [InlineData("HTTP/15088", "mesh")]
    [InlineData("TCP/15088", "mesh")]
    [InlineData("NONE", "mesh")]
    public void Inbound_binding_annotation_picks_the_listener(string binding, string? expected)
    {
        var gateway = TestCluster.MakeGateway("infra", "w", inboundBinding: binding, listeners:
        [
            new ListenerInfo("mesh", 15008, "HBONE", new RouteNamespaces("All", null)),
            new ListenerInfo("proxy", 15001, "istio.io/PROXY", null),
            new ListenerInfo("custom", 15088, "HTTP", null),
        ]);

        var (_, listener) = Attachment.AttachmentListener(gateway, binding);

        Assert.Equal(expected, listener?.Name);
    }

    [Fact]
    public void Inbound_binding_on_the_class_applies_when_the_gateway_has_none()
    {
        var cluster = TestCluster.WithIstioClasses().Namespace("app", Map([Ambient]))
            .Class("istio-waypoint", "istio.io/mesh-controller", inboundBinding: "PROXY")
            .Waypoint("infra", "w", waypointFor: "all", listeners:
            [
                new ListenerInfo("mesh", 15008, "HBONE", new RouteNamespaces("All", null)),
                new ListenerInfo("proxy", 15001, "istio.io/PROXY", null),
            ]);

        var findings = PolicyAssertions.Policy.Evaluate(Pod("app", "p", UseWaypoint("w"), UseWaypointNamespace("infra")), cluster);

        Assert.Equal(["W8 AttachmentDenied Deny metadata.labels[istio.io/use-waypoint]"], findings.Summarize());
    }

    [Fact]
    public void Unknown_from_value_is_treated_as_Same()
    {
        var gateway = TestCluster.MakeGateway("infra", "w", routes: new RouteNamespaces("Everywhere", null));
        var (_, listener) = Attachment.AttachmentListener(gateway, null);

        Assert.False(Attachment.Allows(gateway, listener, "app", AppLabels));
        Assert.True(Attachment.Allows(gateway, listener, "infra", AppLabels));
    }
}
