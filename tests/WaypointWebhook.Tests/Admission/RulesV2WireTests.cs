using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using WaypointWebhook.Admission;
using WaypointWebhook.Cluster;
using WaypointWebhook.Objects;
using WaypointWebhook.Policy;
using WaypointWebhook.Policy.Configuration;
using WaypointWebhook.Policy.Model;
using static WaypointWebhook.Tests.Reviews;

namespace WaypointWebhook.Tests.Admission;

/// <summary>Rules v2 through the wire: what the reader takes from an admitted object, and the mutation's record.</summary>
public sealed class RulesV2WireTests
{
    private static readonly ClusterSnapshot Example = ClusterSnapshot.From(ManifestReader.Read([ExampleCluster]));

    private static AdmissionOutcome Handle(JsonNode review, AdmissionEndpoint endpoint = AdmissionEndpoint.Validate, PolicyOptions? options = null) =>
        new AdmissionHandler(new WaypointPolicy(options ?? new PolicyOptions()), new ManifestClusterViewSource(Example, ["example"]))
            .HandleAsync(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(review.ToJsonString())), endpoint, CancellationToken.None).Result;

    private static JsonNode ResponseOf(AdmissionOutcome outcome) =>
        JsonNode.Parse(JsonSerializer.Serialize(Assert.IsType<Answered>(outcome).Review, WireJsonContext.Default.AdmissionReviewResponse))!["response"]!;

    private static KubeObject Decode(string json) => JsonSerializer.Deserialize(json, WireJsonContext.Default.KubeObject)!;

    [Fact]
    public void Pod_of_a_replica_set_is_allowed_on_create_with_the_warning()
    {
        var pod = Pod("default", "ratings-7d4f9", ("istio.io/use-waypoint", "waypoint"));
        pod["metadata"]!["ownerReferences"] = new JsonArray(new JsonObject { ["apiVersion"] = "apps/v1", ["kind"] = "ReplicaSet", ["name"] = "ratings-7d4f9", ["uid"] = "x", ["controller"] = true });

        var response = ResponseOf(Handle(Review("u", "", "v1", "Pod", "default", "ratings-7d4f9", "CREATE", pod)));

        Assert.True((bool)response["allowed"]!);
        Assert.StartsWith("[UnsupportedTrafficType] Pod default/ratings-7d4f9", (string?)response["warnings"]![0]);
    }

    [Fact]
    public void An_owner_that_is_not_a_controller_does_not_make_the_pod_controller_made()
    {
        var pod = Pod("default", "p", ("istio.io/use-waypoint", "waypoint"));
        pod["metadata"]!["ownerReferences"] = new JsonArray(new JsonObject { ["kind"] = "ConfigMap", ["name"] = "c", ["uid"] = "x" });

        Assert.False((bool)ResponseOf(Handle(Review("u", "", "v1", "Pod", "default", "p", "CREATE", pod)))["allowed"]!);
    }

    [Fact]
    public void Reader_takes_the_fields_the_v2_rules_read()
    {
        var entry = (EnrollingSubject)SubjectReader.Read(HandledKinds.Find("networking.istio.io", "ServiceEntry")!, Decode("""
            {"metadata":{"name":"se","namespace":"app","annotations":{"istio.io/connect-strategy":"RACE_FIRST_TCP_CONNECT","a":"b"},"ownerReferences":[{"controller":false}]},
             "spec":{"hosts":["*.example.com"],"endpoints":[{"address":"10.0.0.1","labels":{"istio.io/use-waypoint":"w"}},{"labels":{}}]}}
            """), null);
        var autoRegistered = (EnrollingSubject)SubjectReader.Read(HandledKinds.Find("networking.istio.io", "WorkloadEntry")!, Decode("""
            {"metadata":{"name":"vm-1","namespace":"app","annotations":{"istio.io/autoRegistrationGroup":"vms"}},"spec":{"labels":{}}}
            """), null);
        var group = (EnrollingSubject)SubjectReader.Read(HandledKinds.Find("networking.istio.io", "WorkloadGroup")!, Decode("""
            {"metadata":{"name":"vms","namespace":"app"},"spec":{"metadata":{"labels":{"istio.io/use-waypoint":"a"}},"template":{"labels":{"istio.io/use-waypoint":"b","istio.io/use-waypoint-namespace":"infra"}}}}
            """), null);
        var gateway = SubjectReader.ToGateway(Decode("""
            {"metadata":{"name":"ingress","namespace":"app"},"spec":{"gatewayClassName":"istio","infrastructure":{"labels":{"istio.io/dataplane-mode":"ambient"}}}}
            """), "default");

        Assert.Equal(["*.example.com"], entry.Hosts!);
        Assert.Equal("RACE_FIRST_TCP_CONNECT", entry.Annotation("istio.io/connect-strategy"));
        Assert.Null(entry.Annotation("a"));
        Assert.False(entry.MadeByController);
        Assert.Equal(["10.0.0.1", null], entry.Enrollments.Skip(1).Select(e => e.Address));
        Assert.True(autoRegistered.MadeByController);
        Assert.Equal(SubjectKind.WorkloadGroup, group.Kind);
        Assert.Equal("a", group.Labels.Get("istio.io/use-waypoint"));
        Assert.Equal("infra", group.Labels.Get("istio.io/use-waypoint-namespace"));
        Assert.Equal("spec.template.labels[istio.io/use-waypoint-namespace]", group.Labels.FieldFor("istio.io/use-waypoint-namespace"));
        Assert.Equal("ambient", gateway.InfrastructureLabels!["istio.io/dataplane-mode"]);
    }

    [Fact]
    public void Workload_group_review_is_judged()
    {
        var group = new JsonObject
        {
            ["apiVersion"] = "networking.istio.io/v1",
            ["kind"] = "WorkloadGroup",
            ["metadata"] = Metadata("default", "vms"),
            ["spec"] = new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["istio.io/use-waypoint"] = "None" } } },
        };

        var response = ResponseOf(Handle(Review("u", "networking.istio.io", "v1", "WorkloadGroup", "default", "vms", "CREATE", group)));

        Assert.False((bool)response["allowed"]!);
        Assert.StartsWith("[InvalidLabelValue] WorkloadGroup default/vms", (string?)response["status"]!["message"]);
    }

    [Fact]
    public void Mutation_records_its_stamp_in_an_existing_annotations_map()
    {
        var gateway = Gateway("app", "w");
        gateway["metadata"]!["annotations"] = new JsonObject { ["team"] = "a" };

        var response = ResponseOf(Handle(Review("u", "gateway.networking.k8s.io", "v1", "Gateway", "app", "w", "CREATE", gateway), AdmissionEndpoint.Mutate));
        var patch = Encoding.UTF8.GetString(Convert.FromBase64String((string)response["patch"]!));
        var patched = JsonPatchApplier.Apply(gateway, patch);

        Assert.Equal("""{"team":"a","waypoint.istio.io/defaulted":"waypoint-for"}""", patched["metadata"]!["annotations"]!.ToJsonString());
        Assert.Equal("service", (string?)patched["metadata"]!["labels"]!["istio.io/waypoint-for"]);
    }

    [Fact]
    public void Mutation_without_metadata_adds_labels_and_annotations_whole()
    {
        var gateway = Gateway("app", "w");
        gateway.Remove("metadata");

        var response = ResponseOf(Handle(Review("u", "gateway.networking.k8s.io", "v1", "Gateway", "app", "w", "CREATE", gateway), AdmissionEndpoint.Mutate));
        var patched = JsonPatchApplier.Apply(gateway, Encoding.UTF8.GetString(Convert.FromBase64String((string)response["patch"]!)));

        Assert.Equal("waypoint-for", (string?)patched["metadata"]!["annotations"]!["waypoint.istio.io/defaulted"]);
        Assert.Equal("service", (string?)patched["metadata"]!["labels"]!["istio.io/waypoint-for"]);
    }

    [Fact]
    public void Mutation_switched_off_patches_nothing()
    {
        var response = ResponseOf(Handle(Review("u", "gateway.networking.k8s.io", "v1", "Gateway", "app", "w", "CREATE", Gateway("app", "w")), AdmissionEndpoint.Mutate, new PolicyOptions { MutationEnabled = false }));

        Assert.True((bool)response["allowed"]!);
        Assert.Null(response["patch"]);
    }
}
