using System.Diagnostics;
using WaypointWebhook.Cluster.Live;
using WaypointWebhook.Testing;
using static WaypointWebhook.EndToEnd.LocalCluster;

namespace WaypointWebhook.EndToEnd;

/// <summary>The serve process itself: its identity (only the shipped RBAC), its log, and an outage of it.</summary>
[Collection(LocalClusterCollection.Name)]
public sealed class WebhookProcessTests
{
    private const string Ns = "e2e-process";
    private readonly LocalCluster cluster;

    public WebhookProcessTests(LocalCluster cluster)
    {
        this.cluster = cluster;
        if (cluster.SkipReason is not null)
        {
            return;
        }

        cluster.Namespace(Ns);
        cluster.OkIn(Waypoint(Ns, "waypoint", null), "apply", "-f", "-");
        cluster.Programmed(Ns, "waypoint");
    }

    private ProcessResult AsWebhook(params string[] args) =>
        Exec("kubectl", args, null, new Dictionary<string, string> { ["KUBECONFIG"] = cluster.WebhookKubeconfig });

    [SkippableFact]
    public void Webhook_runs_with_only_the_service_account_token_and_the_shipped_RBAC_suffices()
    {
        Skip.If(cluster.SkipReason is not null, cluster.SkipReason);

        var kubeconfig = File.ReadAllText(cluster.WebhookKubeconfig);
        Assert.Contains("    token: ey", kubeconfig);
        Assert.DoesNotContain("client-certificate", kubeconfig);
        Assert.DoesNotContain("client-key", kubeconfig);
        var whoami = AsWebhook("auth", "whoami", "-o", "jsonpath={.status.userInfo.username}");
        Assert.True(whoami.ExitCode == 0, whoami.ToString());
        Assert.Equal("system:serviceaccount:waypoint-system:waypoint-webhook", whoami.Output);

        // Exactly what the cluster view reads (LiveClusterView's tables: list+watch of the cluster state and
        // the consumers the reverse check indexes, get of what it confirms), and nothing more.
        foreach (var (group, resource) in LiveClusterView.WatchedResources)
        {
            var name = group.Length == 0 ? resource : $"{resource}.{group}";
            var verbs = LiveClusterView.ReadResources.Contains((group, resource)) ? new[] { "get", "list", "watch" } : ["list", "watch"];
            foreach (var verb in verbs)
            {
                Assert.True(AsWebhook("auth", "can-i", verb, name, "--all-namespaces").Output == "yes\n", $"{verb} {name}");
            }

            foreach (var verb in new[] { "create", "update", "delete" })
            {
                Assert.True(AsWebhook("auth", "can-i", verb, name, "--all-namespaces").Output == "no\n", $"{verb} {name}");
            }
        }

        foreach (var resource in new[] { "secrets", "configmaps", "deployments.apps", "workloadgroups.networking.istio.io" })
        {
            var denied = AsWebhook("auth", "can-i", "list", resource, "--all-namespaces");
            Assert.Equal(1, denied.ExitCode);
            Assert.Equal("no\n", denied.Output);
        }

        // With that identity the webhook synced every resource it watches and was never refused. (Only the log
        // up to the fixture's end: right after a restart, kube-apiserver answers 403 for a moment until
        // its RBAC authorizer has synced, which the restart tests provoke.)
        var log = cluster.StartupLog;
        Assert.Matches(@"namespaces synced: \d+ objects", log);
        Assert.Matches(@"gatewayclasses synced: \d+ objects", log);
        Assert.Matches(@"gateways synced: \d+ objects", log);
        foreach (var kind in LiveClusterView.ConsumerKinds)
        {
            // Pods and Services by label selector (one reflector per label); ServiceEntries and WorkloadEntries whole
            // (istiod reads their endpoints' and spec.labels, which no selector sees).
            Assert.Matches($@"{kind.Resource}(\[istio\.io/use-waypoint\])? synced: \d+ objects", log);
        }

        Assert.DoesNotContain("forbidden", log, StringComparison.OrdinalIgnoreCase);
    }

    [SkippableFact]
    public void With_the_webhook_stopped_kubectl_apply_goes_through()
    {
        Skip.If(cluster.SkipReason is not null, cluster.SkipReason);
        var denied = cluster.KubectlIn(Pod(Ns, "while-down", "istio.io/use-waypoint: waypoint"), "apply", "--dry-run=server", "-f", "-");
        Assert.Equal(1, denied.ExitCode);

        cluster.Step("webhook-stop");
        try
        {
            var watch = Stopwatch.StartNew();
            var result = cluster.KubectlIn(Pod(Ns, "while-down", "istio.io/use-waypoint: waypoint"), "apply", "-f", "-");
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Equal("pod/while-down created\n", result.Output);
            Assert.Equal("", result.Error);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}: a refused connection should fail fast");
            Assert.Contains("Failed calling webhook, failing open use-waypoint.waypoint.istio.io", File.ReadAllText(Path.Combine(cluster.Directory, "apiserver.log")));

            var gateway = cluster.KubectlIn(Waypoint(Ns, "unmutated", null), "apply", "-f", "-");
            Assert.True(gateway.ExitCode == 0, gateway.ToString());
            Assert.Null(cluster.GetJson("get", "gateway", "-n", Ns, "unmutated")["metadata"]!["labels"]?["istio.io/waypoint-for"]);
        }
        finally
        {
            cluster.Step("webhook-start");
            cluster.Step("register");
        }

        // Back: judged again, and the new process listed what was created while it was away.
        var again = cluster.KubectlIn(Pod(Ns, "after", "istio.io/use-waypoint: unmutated"), "apply", "--dry-run=server", "-f", "-");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains($"[UnsupportedTrafficType] Pod {Ns}/after: istio.io/use-waypoint=unmutated refers to waypoint {Ns}/unmutated", again.Error);
        cluster.Ok("delete", "pod", "-n", Ns, "while-down", "--wait=false");
        cluster.Ok("delete", "gateway", "-n", Ns, "unmutated");
    }

    [SkippableFact]
    public async Task Admission_log_names_the_object_by_namespace_and_name()
    {
        Skip.If(cluster.SkipReason is not null, cluster.SkipReason);

        var result = cluster.KubectlIn(Pod(Ns, "log-line", "istio.io/use-waypoint: waypoint"), "apply", "-f", "-");
        Assert.Equal(1, result.ExitCode);

        Assert.True(
            await Eventually.Holds(() => cluster.WebhookLog.Contains($"denied Pod {Ns}/log-line CREATE reasons=UnsupportedTrafficType"), TimeSpan.FromSeconds(3), Poll),
            string.Join('\n', cluster.WebhookLog.Split('\n').Where(l => l.Contains("log-line"))));
    }
}
