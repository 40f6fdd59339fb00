using System.Text.Json.Nodes;
using static WaypointWebhook.EndToEnd.LocalCluster;

namespace WaypointWebhook.EndToEnd;

/// <summary>
/// The shipped webhook configurations on a real API server: cel-go compiles every matchConditions
/// expression, and only objects with something to check reach the webhook (counted on both sides:
/// the webhook's own metrics and the API server's apiserver_admission_webhook_request_total).
/// </summary>
[Collection(LocalClusterCollection.Name)]
public sealed class ScopeTests
{
    private const string Ns = "e2e-scope";
    private readonly LocalCluster cluster;

    public ScopeTests(LocalCluster cluster)
    {
        this.cluster = cluster;
        if (cluster.SkipReason is not null)
        {
            return;
        }

        cluster.Namespace(Ns);
        cluster.OkIn(Waypoint(Ns, "waypoint", "all"), "apply", "-f", "-");
        cluster.Programmed(Ns, "waypoint");
    }

    [SkippableFact]
    public void Shipped_configurations_are_accepted_with_every_match_condition_and_point_at_the_webhook()
    {
        Skip.If(cluster.SkipReason is not null, cluster.SkipReason);

        var validating = cluster.GetJson("get", "validatingwebhookconfiguration", "waypoint-webhook")["webhooks"]!.AsArray();
        Assert.Equal(
            [
                "use-waypoint.waypoint.istio.io", "use-waypoint-namespace.waypoint.istio.io", "ingress-use-waypoint.waypoint.istio.io",
                "pod-templates.waypoint.istio.io", "cronjob-templates.waypoint.istio.io", "service-entries.waypoint.istio.io",
                "workload-entries.waypoint.istio.io", "canaries.waypoint.istio.io", "inherited-services.waypoint.istio.io",
                "inherited-service-entries.waypoint.istio.io", "workload-groups.waypoint.istio.io", "gateways.waypoint.istio.io",
                "namespace-labels.waypoint.istio.io",
            ],
            validating.Select(w => (string)w!["name"]!));
        Assert.All(validating, w => Assert.Equal($"https://127.0.0.1:{cluster.WebhookPort}/validate", (string?)w!["clientConfig"]!["url"]));
        Assert.All(validating, w => Assert.Equal("Ignore", (string?)w!["failurePolicy"]));
        // Every expression of the rendered configuration is stored (the API server compiled each at creation).
        var rendered = File.ReadAllText(Path.Combine(cluster.Directory, "rendered", "ValidatingWebhookConfiguration.yaml"));
        Assert.Equal(
            rendered.Split('\n').Count(l => l.TrimStart().StartsWith("- expression:", StringComparison.Ordinal) || l.TrimStart().StartsWith("expression:", StringComparison.Ordinal)),
            validating.Sum(w => w!["matchConditions"]?.AsArray().Count ?? 0));
        Assert.Equal(12, validating.Sum(w => w!["matchConditions"]?.AsArray().Count ?? 0));

        var mutating = Assert.Single(cluster.GetJson("get", "mutatingwebhookconfiguration", "waypoint-webhook")["webhooks"]!.AsArray());
        Assert.Equal("defaults.waypoint.istio.io", (string?)mutating!["name"]);
        Assert.Equal($"https://127.0.0.1:{cluster.WebhookPort}/mutate", (string?)mutating["clientConfig"]!["url"]);
        Assert.Equal("Never", (string?)mutating["reinvocationPolicy"]);
        Assert.Single(mutating["matchConditions"]!.AsArray());
    }

    [SkippableFact]
    public void A_broken_match_condition_is_refused_at_creation()
    {
        Skip.If(cluster.SkipReason is not null, cluster.SkipReason);

        var result = cluster.KubectlIn(Copy("!has(object.metadata.labels) || !('istio.io/use-waypoint' in object.metadata.labels"), "create", "-f", "-");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("The ValidatingWebhookConfiguration \"waypoint-webhook-broken\" is invalid: webhooks[1].matchConditions[0].expression: Invalid value: ", result.Error);
        Assert.Contains("webhooks[1].matchConditions[0].expression", result.Error);
        Assert.Contains("compilation failed", result.Error);
        Assert.Equal(1, cluster.Kubectl("get", "validatingwebhookconfiguration", "waypoint-webhook-broken").ExitCode);

        // A well-formed expression over a field the request does not have is refused too (cel-go type checks).
        var unknown = cluster.KubectlIn(Copy("request.nosuchfield == 'x'"), "create", "-f", "-");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("webhooks[1].matchConditions[0].expression", unknown.Error);

        // The unchanged copy is accepted: what is refused is the expression alone.
        var same = cluster.KubectlIn(Copy(null), "create", "--dry-run=server", "-f", "-");
        Assert.True(same.ExitCode == 0, same.ToString());
    }

    /// <summary>The stored validating configuration under another name, with webhooks[1]'s first expression replaced.</summary>
    private string Copy(string? expression)
    {
        var stored = cluster.GetJson("get", "validatingwebhookconfiguration", "waypoint-webhook");
        stored["metadata"] = new JsonObject { ["name"] = "waypoint-webhook-broken" };
        if (expression is not null)
        {
            stored["webhooks"]![1]!["matchConditions"]![0]!["expression"] = expression;
        }

        return stored.ToJsonString();
    }

    public static TheoryData<string, string> Outside() => new()
    {
        { "ConfigMap", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: plain, namespace: NS, labels: {istio.io/use-waypoint: waypoint}}\ndata: {a: b}" },
        { "Pod without waypoint labels", Pod("NS", "plain", "app: plain") },
        { "Service with an unrelated label", Service("NS", "plain", "istio.io/dataplane-mode: ambient") },
        { "Namespace without waypoint labels", "apiVersion: v1\nkind: Namespace\nmetadata: {name: e2e-scope-plain, labels: {team: a}}" },
        { "Gateway of a non-waypoint class", "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: ingress, namespace: NS}\nspec: {gatewayClassName: istio, listeners: [{name: http, port: 80, protocol: HTTP}]}" },
        { "GatewayClass without waypoint-for", "apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\nmetadata: {name: e2e-other}\nspec: {controllerName: example.com/other}" },
        { "Deployment without template waypoint labels", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: plain, namespace: NS, labels: {istio.io/use-waypoint: waypoint}}\nspec: {selector: {matchLabels: {app: plain}}, template: {metadata: {labels: {app: plain}}, spec: {containers: [{name: a, image: registry.invalid/a:1}]}}}" },
        { "CronJob without template waypoint labels", "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: plain, namespace: NS}\nspec: {schedule: '0 * * * *', jobTemplate: {spec: {template: {metadata: {labels: {app: plain}}, spec: {restartPolicy: Never, containers: [{name: a, image: registry.invalid/a:1}]}}}}}" },
        { "ServiceEntry without waypoint labels", "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: plain, namespace: NS}\nspec: {hosts: [a.example.com], endpoints: [{address: 10.0.0.9, labels: {app: a}}]}" },
        { "WorkloadEntry with unrelated spec.labels", "apiVersion: networking.istio.io/v1\nkind: WorkloadEntry\nmetadata: {name: plain, namespace: NS}\nspec: {address: 10.0.0.9, labels: {app: a}}" },
        { "WorkloadGroup whose workloads get no waypoint labels (its own metadata.labels enroll nothing)", "apiVersion: networking.istio.io/v1\nkind: WorkloadGroup\nmetadata: {name: plain, namespace: NS, labels: {istio.io/use-waypoint: waypoint}}\nspec: {metadata: {labels: {app: a}}, template: {labels: {app: a}}}" },
        { "Service in the webhook's own namespace", Service("waypoint-system", "excluded", "istio.io/use-waypoint: waypoint") },
        { "Service in kube-system", Service("kube-system", "excluded", "istio.io/use-waypoint: waypoint") },
    };

    [SkippableTheory]
    [MemberData(nameof(Outside))]
    public async Task Objects_outside_the_selectors_never_reach_the_webhook(string what, string manifest)
    {
        Skip.If(cluster.SkipReason is not null, cluster.SkipReason);
        manifest = manifest.Replace("namespace: NS", "namespace: " + Ns, StringComparison.Ordinal);
        var (webhookBefore, apiBefore) = await Calls();

        var created = cluster.KubectlIn(manifest, "create", "-f", "-");
        Assert.True(created.ExitCode == 0, $"{what}: {created}");
        Assert.Equal("", created.Error);
        var updated = cluster.KubectlIn(manifest, "apply", "-f", "-");
        Assert.True(updated.ExitCode == 0, $"{what}: {updated}");
        var deleted = cluster.KubectlIn(manifest, "delete", "--wait=false", "-f", "-");
        Assert.True(deleted.ExitCode == 0, $"{what}: {deleted}");

        var (webhookAfter, apiAfter) = await Calls();
        Assert.True(webhookAfter == webhookBefore, $"{what}: the webhook answered {webhookAfter - webhookBefore} admission requests");
        Assert.True(apiAfter == apiBefore, $"{what}: the API server called the webhook {apiAfter - apiBefore} times");
    }

    public static TheoryData<string, string, string, int, int, int> Inside() => new()
    {
        { "Pod with both waypoint labels (judged once)", "Pod", Pod("NS", "both", "istio.io/use-waypoint: waypoint, istio.io/use-waypoint-namespace: NS"), 1, 0, 0 },
        { "Service with use-waypoint-namespace only (W3 warns: istiod ignores the label)", "Service", Service("NS", "ns-only", "istio.io/use-waypoint-namespace: NS"), 1, 0, 0 },
        { "WorkloadGroup whose template names a waypoint", "WorkloadGroup", "apiVersion: networking.istio.io/v1\nkind: WorkloadGroup\nmetadata: {name: wg, namespace: NS}\nspec: {template: {labels: {istio.io/use-waypoint: waypoint}}}", 1, 0, 0 },
        { "Service with ingress-use-waypoint", "Service", Service("NS", "ingress", "istio.io/ingress-use-waypoint: 'true'"), 1, 0, 0 },
        { "Deployment whose template names a waypoint", "Deployment", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: tpl, namespace: NS}\nspec: {selector: {matchLabels: {app: tpl}}, template: {metadata: {labels: {app: tpl, istio.io/use-waypoint: waypoint}}, spec: {containers: [{name: a, image: registry.invalid/a:1}]}}}", 1, 0, 0 },
        { "CronJob whose job template names a waypoint", "CronJob", "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: tpl, namespace: NS}\nspec: {schedule: '0 * * * *', jobTemplate: {spec: {template: {metadata: {labels: {istio.io/use-waypoint: waypoint}}, spec: {restartPolicy: Never, containers: [{name: a, image: registry.invalid/a:1}]}}}}}", 1, 0, 0 },
        { "ServiceEntry whose endpoint names a waypoint", "ServiceEntry", "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: ep, namespace: NS}\nspec: {hosts: [a.example.com], endpoints: [{address: 10.0.0.9, labels: {istio.io/use-waypoint: waypoint}}]}", 1, 0, 0 },
        { "ServiceEntry v1beta1 with a waypoint label", "ServiceEntry", "apiVersion: networking.istio.io/v1beta1\nkind: ServiceEntry\nmetadata: {name: beta, namespace: NS, labels: {istio.io/use-waypoint: waypoint}}\nspec: {hosts: [b.example.com]}", 1, 0, 0 },
        { "WorkloadEntry whose spec.labels name a waypoint", "WorkloadEntry", "apiVersion: networking.istio.io/v1\nkind: WorkloadEntry\nmetadata: {name: we, namespace: NS}\nspec: {address: 10.0.0.9, labels: {istio.io/use-waypoint: waypoint}}", 1, 0, 0 },
        { "GatewayClass with waypoint-for", "GatewayClass", "apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\nmetadata: {name: e2e-typed, labels: {istio.io/waypoint-for: all}}\nspec: {controllerName: example.com/other}", 1, 0, 0 },
        { "waypoint Gateway without waypoint-for (validated and mutated)", "Gateway", Waypoint("NS", "untyped", null), 1, 1, 0 },
    };

    [SkippableTheory]
    [MemberData(nameof(Inside))]
    public async Task Objects_inside_the_selectors_reach_the_webhook_exactly_once(string what, string kind, string manifest, int validations, int mutations, int exitCode)
    {
        Skip.If(cluster.SkipReason is not null, cluster.SkipReason);
        manifest = manifest.Replace("NS", Ns, StringComparison.Ordinal);
        var validateBefore = await cluster.MetricSum("waypoint_webhook_admission_requests_total", $"endpoint=\"validate\",kind=\"{kind}\",operation=\"CREATE\"");
        var mutateBefore = await cluster.MetricSum("waypoint_webhook_admission_requests_total", $"endpoint=\"mutate\",kind=\"{kind}\",operation=\"CREATE\"");
        var (webhookBefore, apiBefore) = await Calls();

        var created = cluster.KubectlIn(manifest, "create", "-f", "-");
        Assert.True(created.ExitCode == exitCode, $"{what}: {created}");

        Assert.Equal(validations, await cluster.MetricSum("waypoint_webhook_admission_requests_total", $"endpoint=\"validate\",kind=\"{kind}\",operation=\"CREATE\"") - validateBefore);
        Assert.Equal(mutations, await cluster.MetricSum("waypoint_webhook_admission_requests_total", $"endpoint=\"mutate\",kind=\"{kind}\",operation=\"CREATE\"") - mutateBefore);
        var (webhookAfter, apiAfter) = await Calls();
        Assert.Equal(validations + mutations, webhookAfter - webhookBefore);
        Assert.Equal(validations + mutations, apiAfter - apiBefore);
        cluster.KubectlIn(manifest, "delete", "--wait=false", "-f", "-");
    }

    /// <summary>Admission requests answered, by the webhook's count and by the API server's.</summary>
    private Task<(double Webhook, double ApiServer)> Calls() => AdmissionCalls.Count(cluster);
}
