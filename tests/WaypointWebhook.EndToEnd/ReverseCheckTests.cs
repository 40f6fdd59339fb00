using System.Net;
using System.Text.Json.Nodes;
using WaypointWebhook.Testing;
using static WaypointWebhook.EndToEnd.LocalCluster;

namespace WaypointWebhook.EndToEnd;

/// <summary>
/// The reverse check (spec section 7, issue 14) through the real API server and kubectl: a change to a
/// waypoint Gateway or to a Namespace's labels that unbinds consumers warns at <c>kubectl apply</c>
/// naming them, <c>GET /unbound</c> on the health port lists them until they are fixed, and with
/// <c>Webhook:ReverseCheck=Deny</c> the change is refused. Pods are bare: no kubelet or scheduler runs,
/// the API server stores them and that is all the index needs.
/// </summary>
[Collection(LocalClusterCollection.Name)]
public sealed class ReverseCheckTests(LocalCluster cluster)
{
    /// <summary>The audit re-judges when the view changes, coalesced: bounded, generous for a loaded machine.</summary>
    private static readonly TimeSpan Audit = TimeSpan.FromSeconds(15);

    /// <summary>How long the consumer index may take to see a Pod created a moment ago.</summary>
    private static readonly TimeSpan Index = TimeSpan.FromSeconds(10);

    [SkippableFact]
    public async Task Narrowing_a_waypoint_three_Pods_use_warns_naming_them_and_unbound_lists_them_until_fixed()
    {
        Skip.If(cluster.SkipReason is not null, cluster.SkipReason);
        const string ns = "e2e-reverse";
        cluster.Namespace(ns);
        cluster.OkIn(Waypoint(ns, "shared", "all"), "apply", "-f", "-");
        cluster.Programmed(ns, "shared");
        cluster.OkIn(Waypoint(ns, "workloads", "workload"), "apply", "-f", "-");
        cluster.Programmed(ns, "workloads");
        string[] pods = ["reviews-1", "reviews-2", "reviews-3"];
        foreach (var pod in pods)
        {
            var created = cluster.KubectlIn(Pod(ns, pod, "istio.io/use-waypoint: shared"), "apply", "-f", "-");
            Assert.True(created.ExitCode == 0, created.ToString());
            Assert.Equal("", created.Error);
        }

        Assert.Empty(await Unbound(ns));
        // The index has all three once a server dry run of the narrowing names them (judged exactly like the real one).
        await Eventually.Until(
            () => pods.All(p => cluster.KubectlIn(Waypoint(ns, "shared", "service"), "apply", "--dry-run=server", "-f", "-").Error.Contains($"{ns}/{p}", StringComparison.Ordinal)),
            "a server dry run of the narrowing to name the three Pods (index synced, UPDATE sent)",
            Index,
            Poll);

        var narrowed = cluster.KubectlIn(Waypoint(ns, "shared", "service"), "apply", "-f", "-");

        Assert.True(narrowed.ExitCode == 0, narrowed.ToString());
        Assert.Equal("gateway.gateway.networking.k8s.io/shared configured\n", narrowed.Output);
        var warning = Assert.Single(WarningLines(narrowed));
        Assert.StartsWith("Warning: [UnsupportedTrafficType] ", warning);
        Assert.Contains("3 Pods", warning);
        Assert.All(pods, p => Assert.Contains($"{ns}/{p}", warning));
        Assert.Equal("service", Label(ns, "shared"));

        // The audit lists them, then follows each fix: one Pod moves to a workload waypoint, then the waypoint widens back.
        await AssertUnbound(ns, pods, "Pod", "UnsupportedTrafficType");
        var moved = cluster.Kubectl("label", "pod", "-n", ns, "reviews-1", "istio.io/use-waypoint=workloads", "--overwrite");
        Assert.True(moved.ExitCode == 0, moved.ToString());
        Assert.Equal("", moved.Error);
        await AssertUnbound(ns, ["reviews-2", "reviews-3"], "Pod", "UnsupportedTrafficType");

        var widened = cluster.KubectlIn(Waypoint(ns, "shared", "all"), "apply", "-f", "-");
        Assert.True(widened.ExitCode == 0, widened.ToString());
        Assert.Equal("", widened.Error);
        await AssertUnbound(ns, [], "Pod", "UnsupportedTrafficType");

        cluster.Ok("delete", "pod", "-n", ns, "--all", "--wait=false");
        cluster.Ok("delete", "gateway", "-n", ns, "shared", "workloads");
    }

    [SkippableFact]
    public async Task Deleting_a_waypoint_its_Pods_use_warns_naming_them_and_unbound_lists_them()
    {
        Skip.If(cluster.SkipReason is not null, cluster.SkipReason);
        const string ns = "e2e-reverse-delete";
        cluster.Namespace(ns);
        cluster.OkIn(Waypoint(ns, "doomed", "all"), "apply", "-f", "-");
        cluster.Programmed(ns, "doomed");
        string[] pods = ["ratings-1", "ratings-2"];
        foreach (var pod in pods)
        {
            cluster.OkIn(Pod(ns, pod, "istio.io/use-waypoint: doomed"), "apply", "-f", "-");
        }

        await Eventually.Until(
            () => pods.All(p => cluster.Kubectl("delete", "gateway", "-n", ns, "doomed", "--dry-run=server").Error.Contains($"{ns}/{p}", StringComparison.Ordinal)),
            "a server dry run of the deletion to name the two Pods (index synced, DELETE sent)",
            Index,
            Poll);
        Assert.Empty(await Unbound(ns));

        var deleted = cluster.Kubectl("delete", "gateway", "-n", ns, "doomed");

        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        Assert.Equal("gateway.gateway.networking.k8s.io \"doomed\" deleted\n", deleted.Output);
        var warning = Assert.Single(WarningLines(deleted));
        Assert.StartsWith("Warning: [WaypointIsNotReady] ", warning);
        Assert.Contains("2 Pods", warning);
        Assert.All(pods, p => Assert.Contains($"{ns}/{p}", warning));
        Assert.Equal(1, cluster.Kubectl("get", "gateway", "-n", ns, "doomed").ExitCode);
        await AssertUnbound(ns, pods, "Pod", "WaypointIsNotReady");

        // Fixed by bringing the waypoint back.
        cluster.OkIn(Waypoint(ns, "doomed", "all"), "apply", "-f", "-");
        cluster.Programmed(ns, "doomed");
        await AssertUnbound(ns, [], "Pod", "WaypointIsNotReady");
        cluster.Ok("delete", "pod", "-n", ns, "--all", "--wait=false");
    }

    [SkippableFact]
    public async Task A_namespace_label_change_that_breaks_a_selector_warns_and_reaches_the_webhook_once()
    {
        Skip.If(cluster.SkipReason is not null, cluster.SkipReason);
        const string infra = "e2e-reverse-infra";
        const string app = "e2e-reverse-app";
        cluster.Namespace(infra);
        // The consumer namespace carries no waypoint label at all: only the label the Selector reads.
        NamespaceWithLabels(app, "istio.io/dataplane-mode: ambient, team: x");
        cluster.OkIn(SelectorWaypoint(infra, "selective", "team", "x"), "apply", "-f", "-");
        cluster.Programmed(infra, "selective");
        var service = cluster.KubectlIn(Service(app, "ratings", $"istio.io/use-waypoint: selective, istio.io/use-waypoint-namespace: {infra}"), "apply", "-f", "-");
        Assert.True(service.ExitCode == 0, service.ToString());
        Assert.Equal("", service.Error);
        await Eventually.Until(
            () => cluster.Kubectl("label", "namespace", app, "team=y", "--overwrite", "--dry-run=server").Error.Contains($"{app}/ratings", StringComparison.Ordinal),
            "a server dry run of the relabel to name the Service (index synced, Namespace UPDATE sent)",
            Index,
            Poll);
        Assert.Empty(await Unbound(app));
        var sentBefore = AdmissionCalls.ApiServerCallsTo(cluster, "namespace-labels.waypoint.istio.io");
        var (webhookBefore, apiBefore) = await AdmissionCalls.Count(cluster);

        var relabeled = cluster.Kubectl("label", "namespace", app, "team=y", "--overwrite");

        Assert.True(relabeled.ExitCode == 0, relabeled.ToString());
        Assert.Equal($"namespace/{app} labeled\n", relabeled.Output);
        var warning = Assert.Single(WarningLines(relabeled), l => l.Contains($"{app}/ratings", StringComparison.Ordinal));
        Assert.StartsWith("Warning: [AttachmentDenied] ", warning);
        Assert.Contains("1 Service", warning);
        // Exactly one call, through the namespace-labels webhook: the Namespace is judged once.
        Assert.Equal(1, AdmissionCalls.ApiServerCallsTo(cluster, "namespace-labels.waypoint.istio.io") - sentBefore);
        var (webhookAfter, apiAfter) = await AdmissionCalls.Count(cluster);
        Assert.Equal(1, apiAfter - apiBefore);
        Assert.Equal(1, webhookAfter - webhookBefore);
        await AssertUnbound(app, ["ratings"], "Service", "AttachmentDenied");

        var restored = cluster.Kubectl("label", "namespace", app, "team=x", "--overwrite");
        Assert.True(restored.ExitCode == 0, restored.ToString());
        Assert.Equal("", restored.Error);
        await AssertUnbound(app, [], "Service", "AttachmentDenied");
        cluster.Ok("delete", "service", "-n", app, "ratings");
        cluster.Ok("delete", "gateway", "-n", infra, "selective");
    }

    [SkippableFact]
    public async Task An_annotation_only_namespace_update_never_reaches_the_webhook()
    {
        Skip.If(cluster.SkipReason is not null, cluster.SkipReason);
        // One namespace with a waypoint label (before the reverse check, every update of it was sent) and one without.
        const string opted = "e2e-reverse-quiet-opted";
        const string plain = "e2e-reverse-quiet-plain";
        NamespaceWithLabels(opted, "istio.io/dataplane-mode: ambient, istio.io/use-waypoint: none");
        NamespaceWithLabels(plain, "team: x");
        var (webhookBefore, apiBefore) = await AdmissionCalls.Count(cluster);

        foreach (var ns in new[] { opted, plain })
        {
            var annotated = cluster.Kubectl("annotate", "namespace", ns, "owner=team-a");
            Assert.True(annotated.ExitCode == 0, annotated.ToString());
            Assert.Equal($"namespace/{ns} annotated\n", annotated.Output);
            Assert.Equal("", annotated.Error);
            cluster.Ok("annotate", "namespace", ns, "owner=team-b", "--overwrite");
            cluster.Ok("annotate", "namespace", ns, "owner-");
        }

        var (webhookAfter, apiAfter) = await AdmissionCalls.Count(cluster);
        Assert.True(webhookAfter == webhookBefore, $"the webhook answered {webhookAfter - webhookBefore} admission requests");
        Assert.True(apiAfter == apiBefore, $"the API server called the webhook {apiAfter - apiBefore} times");

        // The same count moves for a label change of either namespace: one call each.
        cluster.Ok("label", "namespace", opted, "tier=backend");
        cluster.Ok("label", "namespace", plain, "team=y", "--overwrite");
        var (webhookLabeled, apiLabeled) = await AdmissionCalls.Count(cluster);
        Assert.Equal(2, webhookLabeled - webhookAfter);
        Assert.Equal(2, apiLabeled - apiAfter);
    }

    [SkippableFact]
    public async Task With_ReverseCheck_Deny_the_narrowing_and_the_deletion_are_refused()
    {
        Skip.If(cluster.SkipReason is not null, cluster.SkipReason);
        const string ns = "e2e-reverse-deny";
        cluster.Namespace(ns);
        cluster.OkIn(Waypoint(ns, "strict", "all"), "apply", "-f", "-");
        cluster.Programmed(ns, "strict");
        string[] pods = ["details-1", "details-2", "details-3"];
        foreach (var pod in pods)
        {
            cluster.OkIn(Pod(ns, pod, "istio.io/use-waypoint: strict"), "apply", "-f", "-");
        }

        cluster.Step("webhook-stop");
        try
        {
            cluster.Step("webhook-start", new Dictionary<string, string> { ["Webhook__ReverseCheck"] = "Deny" });
            cluster.Step("register");
            await Eventually.Until(
                () => cluster.KubectlIn(Waypoint(ns, "strict", "service"), "apply", "--dry-run=server", "-f", "-").ExitCode == 1,
                "the restarted webhook to deny the narrowing",
                Index,
                Poll);

            var narrowed = cluster.KubectlIn(Waypoint(ns, "strict", "service"), "apply", "-f", "-");

            Assert.Equal(1, narrowed.ExitCode);
            Assert.Equal("", narrowed.Output);
            Assert.Contains("admission webhook \"gateways.waypoint.istio.io\" denied the request: [UnsupportedTrafficType] ", narrowed.Error);
            Assert.Contains("3 Pods", narrowed.Error);
            Assert.All(pods, p => Assert.Contains($"{ns}/{p}", narrowed.Error));
            Assert.Equal("all", Label(ns, "strict"));

            var deleted = cluster.Kubectl("delete", "gateway", "-n", ns, "strict");
            Assert.Equal(1, deleted.ExitCode);
            Assert.Contains("admission webhook \"gateways.waypoint.istio.io\" denied the request: [WaypointIsNotReady] ", deleted.Error);
            Assert.Equal(0, cluster.Kubectl("get", "gateway", "-n", ns, "strict").ExitCode);

            // A change that unbinds nothing is not refused.
            var widened = cluster.KubectlIn(Waypoint(ns, "strict", "all", "  annotations: {e2e.waypoint.io/note: touched}"), "apply", "-f", "-");
            Assert.True(widened.ExitCode == 0, widened.ToString());
        }
        finally
        {
            cluster.Step("webhook-stop");
            cluster.Step("webhook-start");
            cluster.Step("register");
        }

        // Back to the default: the same narrowing is admitted with the warning.
        await Eventually.Until(
            () => cluster.KubectlIn(Waypoint(ns, "strict", "service"), "apply", "--dry-run=server", "-f", "-").Error.Contains("3 Pods", StringComparison.Ordinal),
            "the restarted webhook to warn about the narrowing",
            Index,
            Poll);
        var warned = cluster.KubectlIn(Waypoint(ns, "strict", "service"), "apply", "--dry-run=server", "-f", "-");
        Assert.True(warned.ExitCode == 0, warned.ToString());
        Assert.StartsWith("Warning: [UnsupportedTrafficType] ", Assert.Single(WarningLines(warned)));
        cluster.Ok("delete", "pod", "-n", ns, "--all", "--wait=false");
        cluster.Ok("delete", "gateway", "-n", ns, "strict");
    }

    /// <summary>The lines kubectl printed for the API server's warnings.</summary>
    private static List<string> WarningLines(ProcessResult result) =>
        [.. result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("Warning: ", StringComparison.Ordinal))];

    /// <summary>A Gateway's stored waypoint-for label.</summary>
    private string? Label(string ns, string name) =>
        (string?)cluster.GetJson("get", "gateway", "-n", ns, name)["metadata"]!["labels"]?["istio.io/waypoint-for"];

    /// <summary>A namespace with the given labels (a YAML flow mapping's content) and the default ServiceAccount.</summary>
    private void NamespaceWithLabels(string name, string labels) => cluster.OkIn($$"""
        apiVersion: v1
        kind: Namespace
        metadata:
          name: {{name}}
          labels: {{{labels}}}
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: default, namespace: {{name}}}
        """, "apply", "-f", "-");

    /// <summary>A waypoint whose HBONE listener admits only namespaces carrying one label.</summary>
    private static string SelectorWaypoint(string ns, string name, string key, string value) => $$"""
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata:
          name: {{name}}
          namespace: {{ns}}
          labels: {istio.io/waypoint-for: service}
        spec:
          gatewayClassName: istio-waypoint
          listeners:
          - name: mesh
            port: 15008
            protocol: HBONE
            allowedRoutes:
              namespaces:
                from: Selector
                selector:
                  matchLabels: {{{key}}: {{value}}}
        """;

    /// <summary>Waits until <c>/unbound?namespace=</c> lists exactly these names, each of the kind and reason given.</summary>
    private async Task AssertUnbound(string ns, string[] names, string kind, string reason)
    {
        var expected = string.Join(',', names.Order(StringComparer.Ordinal));
        List<UnboundEntry> last = [];
        var held = await Eventually.Holds(
            async () =>
            {
                last = await Unbound(ns);
                return string.Join(',', last.Select(u => u.Name).Order(StringComparer.Ordinal)) == expected;
            },
            Audit,
            Poll);
        Assert.True(held, $"/unbound?namespace={ns} lists [{string.Join(", ", last)}], not [{expected}]");
        Assert.All(last, u =>
        {
            Assert.Equal(ns, u.Namespace);
            Assert.Equal(kind, u.Kind);
            Assert.Equal(reason, u.Reason);
            Assert.Contains($"{ns}/{u.Name}", u.Message);
        });
    }

    /// <summary>The unbound consumers of one namespace, as the webhook's health port lists them.</summary>
    private async Task<List<UnboundEntry>> Unbound(string ns)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using var response = await http.GetAsync($"http://127.0.0.1:{cluster.HealthPort}/unbound?namespace={ns}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /unbound: {(int)response.StatusCode} {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        // {"consumers": indexed, "total": unbound, "truncated": n, "counts": [...], "items": [...]}: all items here (far below the cap).
        var root = JsonNode.Parse(body)!.AsObject();
        var items = root["items"]!.AsArray();
        Assert.Equal(0, (int)root["truncated"]!);
        Assert.Equal(items.Count, (int)root["total"]!);
        return [.. items.Select(i => new UnboundEntry(
            (string?)i!["namespace"] ?? "",
            (string?)i["name"] ?? "",
            (string?)i["kind"] ?? "",
            (string?)i["reason"] ?? "",
            (string?)i["message"] ?? ""))];
    }

    private sealed record UnboundEntry(string Namespace, string Name, string Kind, string Reason, string Message);
}
