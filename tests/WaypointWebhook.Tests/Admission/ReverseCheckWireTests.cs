using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using WaypointWebhook.Admission;
using WaypointWebhook.Policy;
using WaypointWebhook.Policy.Configuration;
using static WaypointWebhook.Tests.Reviews;

namespace WaypointWebhook.Tests.Admission;

/// <summary>
/// The reverse check through the wire (spec section 7): UPDATE and DELETE of a Gateway or GatewayClass, UPDATE of
/// a Namespace's labels, judged by the handler against a cluster state holding their consumers.
/// </summary>
public sealed class ReverseCheckWireTests
{
    private const string GatewayApi = "gateway.networking.k8s.io";

    private static AdmissionOutcome Handle(JsonNode review, PolicyOptions? options = null, AdmissionEndpoint endpoint = AdmissionEndpoint.Validate) =>
        new AdmissionHandler(new WaypointPolicy(options ?? new PolicyOptions()), ConsumerCluster.Source())
            .HandleAsync(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(review.ToJsonString())), endpoint, CancellationToken.None).Result;

    private static JsonNode ResponseOf(AdmissionOutcome outcome) =>
        JsonNode.Parse(JsonSerializer.Serialize(Assert.IsType<Answered>(outcome).Review, WireJsonContext.Default.AdmissionReviewResponse))!["response"]!;

    private static string[] Warnings(JsonNode response) => response["warnings"]?.AsArray().Select(w => (string)w!).ToArray() ?? [];

    private static JsonObject GatewayReview(string operation, JsonObject? obj, JsonObject? old) =>
        Review("u", GatewayApi, "v1", "Gateway", "default", "waypoint", operation, obj, old);

    private static JsonObject ClassReview(string operation, JsonObject? obj, JsonObject? old) =>
        Review("u", GatewayApi, "v1", "GatewayClass", null, "istio-waypoint", operation, obj, old);

    [Fact]
    public void Narrowing_a_gateway_to_service_warns_about_the_pods_it_unbinds()
    {
        var response = ResponseOf(Handle(GatewayReview("UPDATE", ConsumerCluster.Waypoint("service"), ConsumerCluster.Waypoint("all"))));

        Assert.True((bool)response["allowed"]!);
        Assert.Equal([ExpectedNarrowing], Warnings(response));
    }

    [Fact]
    public void Widening_a_gateway_unbinds_nothing_and_warns_nothing()
    {
        var response = ResponseOf(Handle(GatewayReview("UPDATE", ConsumerCluster.Waypoint("all"), ConsumerCluster.Waypoint("service"))));

        Assert.True((bool)response["allowed"]!);
        Assert.Null(response["warnings"]);
    }

    [Fact]
    public void Narrowing_in_deny_mode_is_denied_with_the_reverse_finding()
    {
        var response = ResponseOf(Handle(GatewayReview("UPDATE", ConsumerCluster.Waypoint("service"), ConsumerCluster.Waypoint("all")), new PolicyOptions { ReverseCheck = ReverseCheckMode.Deny }));

        Assert.False((bool)response["allowed"]!);
        Assert.Equal(403, (int)response["status"]!["code"]!);
        Assert.Equal(ExpectedNarrowing, (string?)response["status"]!["message"]);
    }

    [Fact]
    public void Deny_mode_only_warns_for_a_gateway_a_controller_owns()
    {
        var after = ConsumerCluster.Waypoint("service");
        var before = ConsumerCluster.Waypoint("all");
        foreach (var gateway in new[] { after, before })
        {
            gateway["metadata"]!["ownerReferences"] = new JsonArray(new JsonObject { ["apiVersion"] = "example.com/v1", ["kind"] = "Mesh", ["name"] = "m", ["uid"] = "u-1", ["controller"] = true });
        }

        var response = ResponseOf(Handle(GatewayReview("UPDATE", after, before), new PolicyOptions { ReverseCheck = ReverseCheckMode.Deny }));

        Assert.True((bool)response["allowed"]!);
        Assert.Equal([ExpectedNarrowing], Warnings(response));
    }

    [Fact]
    public void Deny_mode_under_enforcement_warn_only_warns()
    {
        var options = new PolicyOptions { ReverseCheck = ReverseCheckMode.Deny, Enforcement = EnforcementMode.Warn };

        var response = ResponseOf(Handle(GatewayReview("UPDATE", ConsumerCluster.Waypoint("service"), ConsumerCluster.Waypoint("all")), options));

        Assert.True((bool)response["allowed"]!);
        Assert.Equal([ExpectedNarrowing], Warnings(response));
    }

    [Fact]
    public void Deleting_a_gateway_reads_the_old_object_and_warns_about_every_consumer()
    {
        var outcome = Assert.IsType<Answered>(Handle(GatewayReview("DELETE", null, ConsumerCluster.Waypoint("all"))));
        var response = ResponseOf(outcome);

        Assert.True(outcome.Evaluated);
        Assert.Equal("Gateway", outcome.Request.Kind);
        Assert.Equal("waypoint", outcome.Request.Name);
        Assert.True((bool)response["allowed"]!);
        Assert.Equal(ExpectedDeletion, Warnings(response));
    }

    [Fact]
    public void Deleting_a_gateway_in_deny_mode_is_denied()
    {
        var response = ResponseOf(Handle(GatewayReview("DELETE", null, ConsumerCluster.Waypoint("all")), new PolicyOptions { ReverseCheck = ReverseCheckMode.Deny }));

        Assert.False((bool)response["allowed"]!);
        Assert.Equal(string.Join("; ", ExpectedDeletion), (string?)response["status"]!["message"]);
    }

    [Fact]
    public void A_delete_without_old_object_is_allowed_unevaluated()
    {
        var outcome = Assert.IsType<Answered>(Handle(GatewayReview("DELETE", null, null), new PolicyOptions { ReverseCheck = ReverseCheckMode.Deny }));

        Assert.True(outcome.Review.Response.Allowed);
        Assert.False(outcome.Evaluated);
    }

    [Fact]
    public void A_delete_of_a_pod_is_still_allowed_unread()
    {
        var outcome = Assert.IsType<Answered>(Handle(Review("u", "", "v1", "Pod", "default", "ratings", "DELETE", null, Pod("default", "ratings", ("istio.io/use-waypoint", "None")))));

        Assert.True(outcome.Review.Response.Allowed);
        Assert.False(outcome.Evaluated);
    }

    [Fact]
    public void The_mutating_endpoint_leaves_a_delete_alone()
    {
        var outcome = Assert.IsType<Answered>(Handle(GatewayReview("DELETE", null, ConsumerCluster.Waypoint("all")), endpoint: AdmissionEndpoint.Mutate));

        Assert.True(outcome.Review.Response.Allowed);
        Assert.False(outcome.Evaluated);
        Assert.Null(outcome.Review.Response.Warnings);
    }

    [Fact]
    public void A_delete_whose_old_object_is_not_a_gateway_gets_400()
    {
        var old = ConsumerCluster.Waypoint();
        old["spec"]!["listeners"] = "not a list";

        var refused = Assert.IsType<Refused>(Handle(GatewayReview("DELETE", null, old)));

        Assert.Equal(400, refused.StatusCode);
        Assert.StartsWith("request object is not a valid Gateway: ", refused.Message);
    }

    [Fact]
    public void Narrowing_a_class_warns_about_the_pods_of_its_gateways()
    {
        var response = ResponseOf(Handle(ClassReview("UPDATE", ConsumerCluster.WaypointClass("service"), ConsumerCluster.WaypointClass("all"))));

        Assert.True((bool)response["allowed"]!);
        Assert.Equal([ExpectedClassNarrowing], Warnings(response));
    }

    [Fact]
    public void Changing_the_class_label_warns_about_the_gateways_whose_label_the_mutation_stamped()
    {
        var response = ResponseOf(Handle(ClassReview("UPDATE", ConsumerCluster.WaypointClass("workload"), ConsumerCluster.WaypointClass("all"))));

        Assert.True((bool)response["allowed"]!);
        Assert.Equal([ExpectedStamped], Warnings(response));
    }

    [Fact]
    public void Deleting_a_class_warns_about_the_pods_of_its_gateways()
    {
        var response = ResponseOf(Handle(ClassReview("DELETE", null, ConsumerCluster.WaypointClass("all"))));

        Assert.True((bool)response["allowed"]!);
        Assert.Equal([ExpectedClassDeletion], Warnings(response));
    }

    [Fact]
    public void Removing_the_namespace_label_a_selector_reads_warns_about_its_pod()
    {
        var response = ResponseOf(Handle(Review("u", "", "v1", "Namespace", null, "app", "UPDATE", ConsumerCluster.App(team: false), ConsumerCluster.App(team: true))));

        Assert.True((bool)response["allowed"]!);
        Assert.Equal([ExpectedLabelRemoval], Warnings(response));
    }

    [Fact]
    public void Adding_the_label_back_unbinds_nothing()
    {
        var response = ResponseOf(Handle(Review("u", "", "v1", "Namespace", null, "app", "UPDATE", ConsumerCluster.App(team: true), ConsumerCluster.App(team: false))));

        Assert.True((bool)response["allowed"]!);
        Assert.Null(response["warnings"]);
    }

    private const string ExpectedNarrowing =
        "[UnsupportedTrafficType] this change unbinds 3 Pods in default (default/ratings, default/reviews-v1, default/reviews-v2): they need workload traffic; keep istio.io/waypoint-for=all or move them to another waypoint";

    /// <summary>The Service is unbound too: without the Gateway nothing is served.</summary>
    private static readonly string[] ExpectedDeletion =
    [
        "[WaypointIsNotReady] this change unbinds 3 Pods and 1 Service in default (default/ratings, default/reviews, default/reviews-v1, default/reviews-v2): their waypoint would no longer exist or be programmed; keep it or move them to another waypoint",
    ];

    /// <summary>Only <c>default/classy</c> inherits the class's label: the other Gateways carry their own.</summary>
    private const string ExpectedClassNarrowing =
        "[UnsupportedTrafficType] this change unbinds 2 Pods in default (default/c1, default/c2): they need workload traffic; keep istio.io/waypoint-for=all or move them to another waypoint";

    /// <summary>
    /// <c>istio-waypoint</c> is trusted as a waypoint class by name while unknown: its Gateways stay waypoints, but
    /// <c>default/classy</c> loses the inherited <c>all</c> and serves services only.
    /// </summary>
    private const string ExpectedClassDeletion = ExpectedClassNarrowing;

    private const string ExpectedStamped =
        "[IgnoredLabel] GatewayClass istio-waypoint: istio.io/waypoint-for=workload does not reach 1 Gateway whose label the mutation stamped (default/stamped): they keep service; remove their label to inherit the class's";

    private const string ExpectedLabelRemoval =
        "[AttachmentDenied] this change unbinds 1 Pod in app (app/a1): the waypoint's allowedRoutes no longer admit their namespace; admit it (from: All, or a Selector that matches it) or move them to another waypoint";
}
