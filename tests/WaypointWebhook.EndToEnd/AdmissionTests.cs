using WaypointWebhook.Testing;
using static WaypointWebhook.EndToEnd.LocalCluster;

namespace WaypointWebhook.EndToEnd;

/// <summary>What a cluster user sees from kubectl: denials, warnings, the mutation, dry runs, updates.</summary>
[Collection(LocalClusterCollection.Name)]
public sealed class AdmissionTests
{
    private const string Ns = "e2e-admission";
    private readonly LocalCluster cluster;

    public AdmissionTests(LocalCluster cluster)
    {
        this.cluster = cluster;
        if (cluster.SkipReason is not null)
        {
            return;
        }

        cluster.Namespace(Ns);
        // A service-only waypoint, as `istioctl waypoint apply` makes it (no waypoint-for label), programmed.
        cluster.OkIn(Waypoint(Ns, "waypoint", null), "apply", "-f", "-");
        cluster.Programmed(Ns, "waypoint");
    }

    [SkippableFact]
    public void Pod_on_a_service_only_waypoint_is_denied_with_the_reason_code_and_message()
    {
        Skip.If(cluster.SkipReason is not null, cluster.SkipReason);

        var result = cluster.KubectlIn(Pod(Ns, "ratings", "istio.io/use-waypoint: waypoint"), "apply", "-f", "-");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Output);
        Assert.Contains(
            $"admission webhook \"use-waypoint.waypoint.istio.io\" denied the request: [UnsupportedTrafficType] Pod {Ns}/ratings: istio.io/use-waypoint=waypoint refers to waypoint {Ns}/waypoint, which handles only service traffic (istio.io/waypoint-for=service), but a Pod needs workload traffic;",
            result.Error);
        Assert.StartsWith("Error from server (Forbidden): error when creating \"STDIN\": ", result.Error);
        var get = cluster.Kubectl("get", "pod", "-n", Ns, "ratings");
        Assert.Equal(1, get.ExitCode);
        Assert.Contains("pods \"ratings\" not found", get.Error);
    }

    [SkippableFact]
    public void Service_on_a_missing_waypoint_is_admitted_with_a_warning()
    {
        Skip.If(cluster.SkipReason is not null, cluster.SkipReason);

        var result = cluster.KubectlIn(Service(Ns, "reviews", "istio.io/use-waypoint: later"), "apply", "-f", "-");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("service/reviews created\n", result.Output);
        var warning = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"Warning: [WaypointIsNotReady] Service {Ns}/reviews: istio.io/use-waypoint=later refers to waypoint Gateway {Ns}/later, which does not exist;", warning);
        Assert.Equal("later", (string?)cluster.GetJson("get", "service", "-n", Ns, "reviews")["metadata"]!["labels"]!["istio.io/use-waypoint"]);
        cluster.Ok("delete", "service", "-n", Ns, "reviews");
    }

    [SkippableFact]
    public void Waypoint_gateway_without_traffic_type_is_stored_with_waypoint_for_service()
    {
        Skip.If(cluster.SkipReason is not null, cluster.SkipReason);

        var result = cluster.KubectlIn(Waypoint(Ns, "mutated", null), "apply", "-f", "-");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("gateway.gateway.networking.k8s.io/mutated created\n", result.Output);
        Assert.Equal("", result.Error);
        var labels = cluster.GetJson("get", "gateway", "-n", Ns, "mutated")["metadata"]!["labels"]!.AsObject();
        Assert.Equal("service", (string?)labels["istio.io/waypoint-for"]);
        Assert.Single(labels);

        // Through the v1beta1 endpoint too (the rules list both versions).
        var beta = cluster.KubectlIn(Waypoint(Ns, "mutated-beta", null).Replace("gateway.networking.k8s.io/v1", "gateway.networking.k8s.io/v1beta1"), "create", "-f", "-");
        Assert.True(beta.ExitCode == 0, beta.ToString());
        Assert.Equal("service", (string?)cluster.GetJson("get", "gateways.v1beta1.gateway.networking.k8s.io", "-n", Ns, "mutated-beta")["metadata"]!["labels"]!["istio.io/waypoint-for"]);

        // A Gateway that states its traffic type is left as it is.
        cluster.OkIn(Waypoint(Ns, "explicit", "workload"), "apply", "-f", "-");
        Assert.Equal("workload", (string?)cluster.GetJson("get", "gateway", "-n", Ns, "explicit")["metadata"]!["labels"]!["istio.io/waypoint-for"]);
        cluster.Ok("delete", "gateway", "-n", Ns, "mutated", "mutated-beta", "explicit");
    }

    [SkippableFact]
    public void Server_dry_run_is_judged_and_stores_nothing()
    {
        Skip.If(cluster.SkipReason is not null, cluster.SkipReason);

        var denied = cluster.KubectlIn(Pod(Ns, "dry", "istio.io/use-waypoint: waypoint"), "apply", "--dry-run=server", "-f", "-");
        Assert.Equal(1, denied.ExitCode);
        Assert.Contains($"denied the request: [UnsupportedTrafficType] Pod {Ns}/dry:", denied.Error);

        var allowed = cluster.KubectlIn(Service(Ns, "dry", "istio.io/use-waypoint: waypoint"), "apply", "--dry-run=server", "-f", "-");
        Assert.True(allowed.ExitCode == 0, allowed.ToString());
        Assert.Equal("service/dry created (server dry run)\n", allowed.Output);
        Assert.Equal("", allowed.Error);
        var get = cluster.Kubectl("get", "service", "-n", Ns, "dry");
        Assert.Equal(1, get.ExitCode);
        Assert.Contains("services \"dry\" not found", get.Error);

        // The mutation is applied to a dry run as well (what would be stored), and nothing is stored.
        var gateway = cluster.KubectlIn(Waypoint(Ns, "dry-gw", null), "create", "--dry-run=server", "-o", "jsonpath={.metadata.labels}", "-f", "-");
        Assert.True(gateway.ExitCode == 0, gateway.ToString());
        Assert.Equal("{\"istio.io/waypoint-for\":\"service\"}", gateway.Output);
        Assert.Equal(1, cluster.Kubectl("get", "gateway", "-n", Ns, "dry-gw").ExitCode);
    }

    [SkippableFact]
    public async Task Update_that_leaves_the_waypoint_labels_alone_is_allowed_with_warnings_after_the_reference_broke()
    {
        Skip.If(cluster.SkipReason is not null, cluster.SkipReason);

        cluster.OkIn(Waypoint(Ns, "shared", "service"), "apply", "-f", "-");
        cluster.Programmed(Ns, "shared");
        var created = cluster.KubectlIn(Service(Ns, "details", "istio.io/use-waypoint: shared"), "apply", "-f", "-");
        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.Equal("", created.Error);

        // The waypoint stops accepting service traffic: the Service's reference is broken now.
        cluster.Ok("label", "gateway", "-n", Ns, "shared", "istio.io/waypoint-for=workload", "--overwrite");
        Assert.True(
            await Eventually.Holds(() => cluster.KubectlIn(Service(Ns, "details-new", "istio.io/use-waypoint: shared"), "apply", "--dry-run=server", "-f", "-").ExitCode == 1, TimeSpan.FromSeconds(5), Poll),
            "the webhook did not see the Gateway's new traffic type");

        var annotate = cluster.Kubectl("annotate", "service", "-n", Ns, "details", "owner=team-a");
        Assert.True(annotate.ExitCode == 0, annotate.ToString());
        Assert.Equal("service/details annotated\n", annotate.Output);
        Assert.StartsWith($"Warning: [UnsupportedTrafficType] Service {Ns}/details: istio.io/use-waypoint=shared refers to waypoint {Ns}/shared, which handles only workload traffic", annotate.Error);

        var relabel = cluster.Kubectl("label", "service", "-n", Ns, "details", "tier=backend");
        Assert.True(relabel.ExitCode == 0, relabel.ToString());
        Assert.Contains("Warning: [UnsupportedTrafficType]", relabel.Error);

        // Touching the waypoint label itself is judged as new: denied.
        var touch = cluster.Kubectl("label", "service", "-n", Ns, "details", "istio.io/use-waypoint-namespace=" + Ns);
        Assert.Equal(1, touch.ExitCode);
        Assert.Contains($"denied the request: [UnsupportedTrafficType] Service {Ns}/details:", touch.Error);

        var stored = cluster.GetJson("get", "service", "-n", Ns, "details")["metadata"]!;
        Assert.Equal("team-a", (string?)stored["annotations"]!["owner"]);
        Assert.Equal("backend", (string?)stored["labels"]!["tier"]);
        Assert.Null(stored["labels"]!["istio.io/use-waypoint-namespace"]);
        cluster.Ok("delete", "service", "-n", Ns, "details");
        cluster.Ok("delete", "gateway", "-n", Ns, "shared");
    }

    [SkippableFact]
    public async Task Delete_of_an_object_with_a_broken_reference_is_never_sent()
    {
        Skip.If(cluster.SkipReason is not null, cluster.SkipReason);

        cluster.OkIn(Service(Ns, "to-delete", "istio.io/use-waypoint: gone"), "apply", "-f", "-");
        var before = await cluster.MetricSum("waypoint_webhook_admission_requests_total");
        var delete = cluster.Kubectl("delete", "service", "-n", Ns, "to-delete");
        Assert.True(delete.ExitCode == 0, delete.ToString());
        Assert.Equal("service \"to-delete\" deleted\n", delete.Output);
        Assert.Equal("", delete.Error);
        Assert.Equal(before, await cluster.MetricSum("waypoint_webhook_admission_requests_total"));
        // No Service DELETE ever (Gateway and GatewayClass DELETE are sent, for the reverse check).
        Assert.Equal(0, await cluster.MetricSum("waypoint_webhook_admission_requests_total", "kind=\"Service\",operation=\"DELETE\""));
    }
}
