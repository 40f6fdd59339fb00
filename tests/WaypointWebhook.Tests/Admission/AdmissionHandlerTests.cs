using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using WaypointWebhook.Admission;
using WaypointWebhook.Cluster;
using WaypointWebhook.Policy;
using WaypointWebhook.Policy.Configuration;
using WaypointWebhook.Testing;
using static WaypointWebhook.Tests.Reviews;

namespace WaypointWebhook.Tests.Admission;

/// <summary>The wire contract (spec section 7) on the handler, without HTTP.</summary>
public sealed class AdmissionHandlerTests
{
    private static readonly ClusterSnapshot Example = ExampleViews.Snapshot;

    private static AdmissionOutcome Handle(string body, AdmissionEndpoint endpoint = AdmissionEndpoint.Validate, PolicyOptions? options = null) =>
        new AdmissionHandler(new WaypointPolicy(options ?? new PolicyOptions()), new ManifestClusterViewSource(Example, ["example"]))
            .HandleAsync(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(body)), endpoint, CancellationToken.None).Result;

    private static AdmissionOutcome Handle(JsonNode review, AdmissionEndpoint endpoint = AdmissionEndpoint.Validate) => Handle(review.ToJsonString(), endpoint);

    private static JsonNode ResponseOf(AdmissionOutcome outcome) =>
        JsonNode.Parse(JsonSerializer.Serialize(Assert.IsType<Answered>(outcome).Review, WireJsonContext.Default.AdmissionReviewResponse))!;

    [Fact]
    public void Denied_pod_gets_403_status_with_reason_code_and_uid_echo()
    {
        var response = ResponseOf(Handle(PodReview("uid-1", "default", "p", ("istio.io/use-waypoint", "waypoint"))));

        Assert.Equal("admission.k8s.io/v1", (string?)response["apiVersion"]);
        Assert.Equal("AdmissionReview", (string?)response["kind"]);
        Assert.Equal("uid-1", (string?)response["response"]!["uid"]);
        Assert.False((bool)response["response"]!["allowed"]!);
        Assert.Equal(403, (int)response["response"]!["status"]!["code"]!);
        Assert.StartsWith("[UnsupportedTrafficType] Pod default/p: istio.io/use-waypoint=waypoint", (string?)response["response"]!["status"]!["message"]);
        Assert.Null(response["response"]!["warnings"]);
        Assert.Null(response["response"]!["patch"]);
    }

    [Fact]
    public void Every_deny_finding_is_in_the_one_line_message()
    {
        var outcome = Handle(PodReview("u", "app", "p", ("istio.io/use-waypoint", "waypoint"), ("istio.io/use-waypoint-namespace", "default")));
        var message = (string)ResponseOf(outcome)["response"]!["status"]!["message"]!;

        Assert.Contains("[UnsupportedTrafficType] Pod app/p", message);
        Assert.Contains("[AttachmentDenied] Pod app/p", message);
        Assert.DoesNotContain('\n', message);
    }

    [Fact]
    public void Warnings_are_listed_and_capped_at_256_characters()
    {
        var service = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Service", ["metadata"] = Metadata("default", "s", ("istio.io/use-waypoint", "later")), ["spec"] = new JsonObject { ["type"] = "ClusterIP" } };

        var response = ResponseOf(Handle(Review("u2", "", "v1", "Service", "default", "s", "CREATE", service)))["response"]!;

        Assert.True((bool)response["allowed"]!);
        Assert.Null(response["status"]);
        var warning = Assert.Single(response["warnings"]!.AsArray());
        Assert.StartsWith("[WaypointIsNotReady] Service default/s: istio.io/use-waypoint=later refers to waypoint Gateway default/later", (string?)warning);
        Assert.True(((string)warning!).Length <= AdmissionMessages.MaxWarningLength);
    }

    [Fact]
    public void Long_warning_is_truncated_with_an_ellipsis()
    {
        var finding = new Policy.Model.Finding("W5", "WaypointIsNotReady", Policy.Model.Verdict.Warn, "f", new string('x', 400), "s");

        var warning = AdmissionMessages.Warning(finding);

        Assert.Equal(256, warning.Length);
        Assert.EndsWith("…", warning);
    }

    [Fact]
    public void Update_with_unchanged_reference_is_allowed_with_warnings()
    {
        var before = Pod("default", "p", ("istio.io/use-waypoint", "waypoint"), ("v", "1"));
        var after = Pod("default", "p", ("istio.io/use-waypoint", "waypoint"), ("v", "2"));

        var response = ResponseOf(Handle(Review("u", "", "v1", "Pod", "default", "p", "UPDATE", after, before)))["response"]!;

        Assert.True((bool)response["allowed"]!);
        Assert.StartsWith("[UnsupportedTrafficType]", (string?)response["warnings"]![0]);
    }

    [Fact]
    public void Dry_run_is_evaluated_like_a_real_request()
    {
        var review = Review("u", "", "v1", "Pod", "default", "p", "CREATE", Pod("default", "p", ("istio.io/use-waypoint", "waypoint")), dryRun: true);

        var outcome = Assert.IsType<Answered>(Handle(review));

        Assert.False(outcome.Review.Response.Allowed);
        Assert.True(outcome.Request.DryRun);
    }

    [Fact]
    public void Delete_is_allowed_without_an_object()
    {
        var response = ResponseOf(Handle(Review("u-del", "", "v1", "Pod", "default", "p", "DELETE", null, Pod("default", "p", ("istio.io/use-waypoint", "None")))))["response"]!;

        Assert.True((bool)response["allowed"]!);
        Assert.Equal("u-del", (string?)response["uid"]);
    }

    [Fact]
    public void Unknown_kind_is_allowed_even_with_fields_of_unexpected_shape()
    {
        var odd = new JsonObject { ["apiVersion"] = "example.com/v1", ["kind"] = "Widget", ["metadata"] = new JsonObject { ["name"] = "w" }, ["spec"] = new JsonObject { ["listeners"] = "not a list", ["template"] = 5 } };

        var outcome = Assert.IsType<Answered>(Handle(Review("u", "example.com", "v1", "Widget", "default", "w", "CREATE", odd)));

        Assert.True(outcome.Review.Response.Allowed);
        Assert.False(outcome.Evaluated);
    }

    [Fact]
    public void Istio_v1beta1_service_entry_is_evaluated()
    {
        var se = new JsonObject
        {
            ["apiVersion"] = "networking.istio.io/v1beta1",
            ["kind"] = "ServiceEntry",
            ["metadata"] = Metadata("app", "x", ("istio.io/use-waypoint", "egress"), ("istio.io/use-waypoint-namespace", "infra")),
            ["spec"] = new JsonObject { ["hosts"] = new JsonArray("x.example.com"), ["endpoints"] = new JsonArray(new JsonObject { ["address"] = "1.2.3.4", ["labels"] = new JsonObject { ["istio.io/use-waypoint"] = "None" } }) },
        };

        var outcome = Assert.IsType<Answered>(Handle(Review("u", "networking.istio.io", "v1beta1", "ServiceEntry", "app", "x", "CREATE", se)));

        Assert.Equal(["InvalidLabelValue spec.endpoints[0].labels[istio.io/use-waypoint]"], outcome.Denials.Select(d => $"{d.Reason} {d.Field}"));
    }

    [Fact]
    public void CronJob_template_is_read_from_the_job_template()
    {
        var cronJob = new JsonObject
        {
            ["apiVersion"] = "batch/v1",
            ["kind"] = "CronJob",
            ["metadata"] = Metadata("default", "nightly"),
            ["spec"] = new JsonObject
            {
                ["schedule"] = "0 0 * * *",
                ["jobTemplate"] = new JsonObject { ["spec"] = new JsonObject { ["template"] = new JsonObject { ["metadata"] = Metadata(null, "", ("istio.io/use-waypoint", "waypoint")), ["spec"] = new JsonObject() } } },
            },
        };

        var outcome = Assert.IsType<Answered>(Handle(Review("u", "batch", "v1", "CronJob", "default", "nightly", "CREATE", cronJob)));

        Assert.Equal(["UnsupportedTrafficType spec.jobTemplate.spec.template.metadata.labels[istio.io/use-waypoint]"], outcome.Denials.Select(d => $"{d.Reason} {d.Field}"));
    }

    [Fact]
    public void Mutate_adds_the_label_into_existing_labels()
    {
        var gateway = Gateway("app", "w", new JsonObject { ["team"] = "a" });

        var response = ResponseOf(Handle(Review("u", "gateway.networking.k8s.io", "v1", "Gateway", "app", "w", "CREATE", gateway), AdmissionEndpoint.Mutate))["response"]!;

        Assert.True((bool)response["allowed"]!);
        Assert.Equal("JSONPatch", (string?)response["patchType"]);
        var patch = Encoding.UTF8.GetString(Convert.FromBase64String((string)response["patch"]!));
        Assert.Equal("""[{"op":"add","path":"/metadata/labels/istio.io~1waypoint-for","value":"service"},{"op":"add","path":"/metadata/annotations","value":{"waypoint.istio.io/defaulted":"waypoint-for"}}]""", patch);
        Assert.Equal("""{"team":"a","istio.io/waypoint-for":"service"}""", JsonPatchApplier.Apply(gateway, patch)["metadata"]!["labels"]!.ToJsonString());
    }

    [Fact]
    public void Mutate_adds_the_labels_map_when_there_is_none()
    {
        var gateway = Gateway("app", "w");

        var response = ResponseOf(Handle(Review("u", "gateway.networking.k8s.io", "v1", "Gateway", "app", "w", "CREATE", gateway), AdmissionEndpoint.Mutate))["response"]!;
        var patch = Encoding.UTF8.GetString(Convert.FromBase64String((string)response["patch"]!));

        Assert.Equal("""[{"op":"add","path":"/metadata/labels","value":{"istio.io/waypoint-for":"service"}},{"op":"add","path":"/metadata/annotations","value":{"waypoint.istio.io/defaulted":"waypoint-for"}}]""", patch);
        Assert.Equal("""{"istio.io/waypoint-for":"service"}""", JsonPatchApplier.Apply(gateway, patch)["metadata"]!["labels"]!.ToJsonString());
    }

    [Fact]
    public void Mutate_leaves_ingress_gateways_and_labelled_waypoints_alone()
    {
        var ingress = Handle(Review("u", "gateway.networking.k8s.io", "v1", "Gateway", "app", "i", "CREATE", Gateway("app", "i", className: "istio")), AdmissionEndpoint.Mutate);
        var labelled = Handle(Review("u", "gateway.networking.k8s.io", "v1", "Gateway", "app", "w", "CREATE", Gateway("app", "w", new JsonObject { ["istio.io/waypoint-for"] = "all" })), AdmissionEndpoint.Mutate);
        var pod = Handle(PodReview("u", "default", "p", ("istio.io/use-waypoint", "None")), AdmissionEndpoint.Mutate);

        foreach (var outcome in new[] { ingress, labelled, pod })
        {
            var response = ResponseOf(outcome)["response"]!;
            Assert.True((bool)response["allowed"]!);
            Assert.Null(response["patch"]);
            Assert.Null(response["patchType"]);
        }
    }

    [Theory]
    [InlineData("{not json", 400, RefusalCause.MalformedJson)]
    [InlineData("", 400, RefusalCause.EmptyBody)]
    [InlineData("[]", 400, RefusalCause.MalformedJson)]
    [InlineData("""{"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview","request":{"uid":"x"}}""", 400, RefusalCause.NotAdmissionReview)]
    [InlineData("""{"apiVersion":"admission.k8s.io/v1","kind":"Pod"}""", 400, RefusalCause.NotAdmissionReview)]
    [InlineData("""{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}""", 400, RefusalCause.MissingRequest)]
    [InlineData("""{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"operation":"CREATE"}}""", 400, RefusalCause.MissingUid)]
    [InlineData("""{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"","operation":"CREATE"}}""", 400, RefusalCause.MissingUid)]
    [InlineData("""{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"x","operation":"PATCH"}}""", 400, RefusalCause.InvalidOperation)]
    [InlineData("""{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"x","operation":"CREATE","kind":{"group":"","version":"v1","kind":"Pod"}}}""", 400, RefusalCause.InvalidObject)]
    [InlineData("""{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"x","operation":"CREATE","kind":{"group":"","version":"v1","kind":"Pod"},"object":{"metadata":{"labels":{"a":5}}}}}""", 400, RefusalCause.InvalidObject)]
    [InlineData("""{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"x","operation":"CREATE","kind":{"group":"gateway.networking.k8s.io","version":"v1","kind":"Gateway"},"object":{"spec":{"listeners":[{"port":"http"}]}}}}""", 400, RefusalCause.InvalidObject)]
    [InlineData("""{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":5}}""", 400, RefusalCause.MalformedJson)]
    public void Bad_requests_get_a_4xx_with_a_plain_message(string body, int status, RefusalCause cause)
    {
        var bad = Assert.IsType<Refused>(Handle(body));

        Assert.Equal(status, bad.StatusCode);
        Assert.Equal(cause, bad.Cause);
        Assert.False(string.IsNullOrWhiteSpace(bad.Message));
    }

    [Fact]
    public void Wrong_typed_field_is_named_in_the_message()
    {
        var body = """{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"x","operation":"CREATE","kind":{"group":"gateway.networking.k8s.io","version":"v1","kind":"Gateway"},"object":{"spec":{"listeners":[{"port":"http"}]}}}}""";

        var bad = Assert.IsType<Refused>(Handle(body));

        Assert.Equal("request object is not a valid Gateway: field request.object.spec.listeners[0].port has the wrong type (line 1, byte 226)", bad.Message);
    }

    [Fact]
    public void Deeply_nested_json_is_rejected_not_crashed()
    {
        var body = """{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"x","operation":"CREATE","kind":{"kind":"Widget"},"object":""" + new string('[', 10_000) + new string(']', 10_000) + "}}";

        var outcome = Handle(body);

        // The object is of a kind we never read, but its nesting is past the reader's depth limit: a 400.
        Assert.Equal(400, Assert.IsType<Refused>(outcome).StatusCode);
    }
}
