using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using WaypointWebhook.Testing;
using static WaypointWebhook.EndToEnd.LocalCluster;

namespace WaypointWebhook.EndToEnd;

/// <summary>
/// The live cluster view against the real API server: the first list (objects created before serve,
/// one response over 16 KB), following changes, an API server restart, and 410 Gone after etcd compaction.
/// </summary>
[Collection(LocalClusterCollection.Name)]
public sealed partial class LiveViewTests
{
    private const string Ns = "e2e-live";
    private static readonly TimeSpan Follow = TimeSpan.FromSeconds(2);
    private readonly LocalCluster cluster;

    public LiveViewTests(LocalCluster cluster)
    {
        this.cluster = cluster;
        if (cluster.SkipReason is not null)
        {
            return;
        }

        cluster.Namespace(Ns);
    }

    /// <summary>A Pod on a service-only waypoint, denied as W7 says (not merely refused by something).</summary>
    private static bool DeniedForTrafficType(ProcessResult result) =>
        result.ExitCode == 1 && result.Error.Contains("[UnsupportedTrafficType]", StringComparison.Ordinal);

    /// <summary>kubectl's answer to a server dry run of a Pod on the given waypoint.</summary>
    private ProcessResult PodOn(string ns, string waypoint) =>
        cluster.KubectlIn(Pod(ns, "probe", $"istio.io/use-waypoint: {waypoint}"), "create", "--dry-run=server", "-f", "-");

    [SkippableFact]
    public async Task View_starts_from_objects_created_before_serve_in_a_list_over_16_KB()
    {
        Skip.If(cluster.SkipReason is not null, cluster.SkipReason);

        // What the webhook's first list of Gateways received: one response, well over 16 KB, kubectl-applied objects.
        var list = cluster.Ok("get", "--raw", $"/apis/gateway.networking.k8s.io/v1/namespaces/{PreNamespace}/gateways?limit=500");
        Assert.True(Encoding.UTF8.GetByteCount(list) > 3 * 16384, $"the list is {list.Length} bytes");
        var items = JsonNode.Parse(list)!["items"]!.AsArray();
        Assert.Equal(PreGateways, items.Count);
        Assert.All(items, g => Assert.NotNull(g!["metadata"]!["annotations"]!["kubectl.kubernetes.io/last-applied-configuration"]));

        Assert.Matches($@"gateways synced: {PreGateways} objects at resourceVersion \d+", cluster.WebhookLog);
        Assert.Matches(@"gatewayclasses synced: 2 objects at resourceVersion \d+", cluster.WebhookLog);
        using var http = new HttpClient();
        using var ready = await http.GetAsync($"http://127.0.0.1:{cluster.HealthPort}/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);

        // Verdicts from the pre-existing state: pre-00 accepts all traffic, the others only service traffic.
        var allowed = PodOn(PreNamespace, "pre-00");
        Assert.True(allowed.ExitCode == 0, allowed.ToString());
        Assert.Equal("", allowed.Error);
        var denied = PodOn(PreNamespace, $"pre-{PreGateways - 1:D2}");
        Assert.Equal(1, denied.ExitCode);
        Assert.Contains($"[UnsupportedTrafficType] Pod {PreNamespace}/probe: istio.io/use-waypoint=pre-{PreGateways - 1:D2} refers to waypoint {PreNamespace}/pre-{PreGateways - 1:D2}, which handles only service traffic", denied.Error);
        // Not programmed (no status.addresses): the warning comes from the status the list delivered.
        var warned = cluster.KubectlIn(Service(PreNamespace, "probe", "istio.io/use-waypoint: pre-15"), "create", "--dry-run=server", "-f", "-");
        Assert.True(warned.ExitCode == 0, warned.ToString());
        Assert.StartsWith($"Warning: [WaypointIsNotReady] Service {PreNamespace}/probe: waypoint {PreNamespace}/pre-15 has no status.addresses yet", warned.Error);
        Assert.True(await cluster.MetricSum("waypoint_webhook_cluster_objects", "resource=\"gateways\"") >= PreGateways);
    }

    [SkippableFact]
    public async Task View_follows_a_change_of_waypoint_for_within_2_seconds()
    {
        Skip.If(cluster.SkipReason is not null, cluster.SkipReason);
        cluster.OkIn(Waypoint(Ns, "flip", "service"), "apply", "-f", "-");
        cluster.Programmed(Ns, "flip");
        Assert.True(await Eventually.Holds(() => DeniedForTrafficType(PodOn(Ns, "flip")), TimeSpan.FromSeconds(5), Poll), "the new Gateway was not seen");

        // Timed from kubectl's return with direct reviews (milliseconds each), then confirmed through kubectl.
        cluster.Ok("label", "gateway", "-n", Ns, "flip", "istio.io/waypoint-for=all", "--overwrite");
        var watch = Stopwatch.StartNew();
        Assert.True(await Eventually.Holds(() => cluster.PodAllowed(Ns, "flip"), Follow, Poll), $"still denied {watch.Elapsed} after waypoint-for=all");
        Assert.Equal(0, PodOn(Ns, "flip").ExitCode);

        cluster.Ok("label", "gateway", "-n", Ns, "flip", "istio.io/waypoint-for=service", "--overwrite");
        watch.Restart();
        Assert.True(await Eventually.Holds(async () => !await cluster.PodAllowed(Ns, "flip"), Follow, Poll), $"still allowed {watch.Elapsed} after waypoint-for=service");
        Assert.Equal(1, PodOn(Ns, "flip").ExitCode);

        cluster.Ok("delete", "gateway", "-n", Ns, "flip");
        watch.Restart();
        Assert.True(await Eventually.Holds(() => cluster.PodAllowed(Ns, "flip"), Follow, Poll), $"the deletion was not seen after {watch.Elapsed}");
        var gone = PodOn(Ns, "flip");
        Assert.Equal(0, gone.ExitCode);
        Assert.StartsWith($"Warning: [WaypointIsNotReady] Pod {Ns}/probe: istio.io/use-waypoint=flip refers to waypoint Gateway {Ns}/flip, which does not exist;", gone.Error);
    }

    [SkippableFact]
    public async Task View_follows_a_namespace_leaving_and_joining_the_ambient_mesh_within_2_seconds()
    {
        Skip.If(cluster.SkipReason is not null, cluster.SkipReason);
        const string ns = "e2e-live-ambient";
        cluster.Namespace(ns);
        cluster.OkIn(Waypoint(ns, "waypoint", "all"), "apply", "-f", "-");
        cluster.Programmed(ns, "waypoint");
        Assert.True(await Eventually.Holds(async () => await Warnings(ns) == "", TimeSpan.FromSeconds(5), Poll), await Warnings(ns));

        cluster.Ok("label", "namespace", ns, "istio.io/dataplane-mode-");
        var watch = Stopwatch.StartNew();
        Assert.True(await Eventually.Holds(async () => (await Warnings(ns)).StartsWith("[NotInAmbient]", StringComparison.Ordinal), Follow, Poll), $"no NotInAmbient {watch.Elapsed} after the label was removed");
        var kubectl = PodOn(ns, "waypoint");
        Assert.Equal(0, kubectl.ExitCode);
        Assert.StartsWith($"Warning: [NotInAmbient] Pod {ns}/probe:", kubectl.Error);

        cluster.Ok("label", "namespace", ns, "istio.io/dataplane-mode=ambient");
        watch.Restart();
        Assert.True(await Eventually.Holds(async () => await Warnings(ns) == "", Follow, Poll), $"still warned {watch.Elapsed} after the namespace joined again");
    }

    /// <summary>The reason codes of the warnings for a Pod on the namespace's waypoint, asked directly.</summary>
    private async Task<string> Warnings(string ns)
    {
        var response = await cluster.PodReview(ns, "waypoint");
        Assert.True((bool)response["allowed"]!, response.ToJsonString());
        return string.Join(',', response["warnings"]?.AsArray().Select(w => ((string)w!).Split(' ')[0]) ?? []);
    }

    [SkippableFact]
    public async Task View_survives_an_apiserver_restart_and_stays_correct()
    {
        Skip.If(cluster.SkipReason is not null, cluster.SkipReason);
        cluster.OkIn(Waypoint(Ns, "restart", "service"), "apply", "-f", "-");
        cluster.Programmed(Ns, "restart");
        Assert.True(await Eventually.Holds(() => DeniedForTrafficType(PodOn(Ns, "restart")), TimeSpan.FromSeconds(5), Poll));
        var mark = cluster.WebhookLog.Length;

        RestartApiServer();

        // The watches were dropped and the webhook said so; it still serves (readyz stays 200).
        Assert.True(await Eventually.Holds(() => cluster.WebhookLog[mark..].Contains("List or watch of gateways failed"), TimeSpan.FromSeconds(10), Poll), cluster.WebhookLog[mark..]);
        using var http = new HttpClient();
        using (var ready = await http.GetAsync($"http://127.0.0.1:{cluster.HealthPort}/readyz"))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        // A change made after the restart is followed (re-watched or re-listed), a new Gateway too.
        cluster.Ok("label", "gateway", "-n", Ns, "restart", "istio.io/waypoint-for=all", "--overwrite");
        Assert.True(await Eventually.Holds(() => PodOn(Ns, "restart").ExitCode == 0, TimeSpan.FromSeconds(35), Poll), "change after the restart not seen:\n" + cluster.WebhookLog[mark..]);
        cluster.OkIn(Waypoint(Ns, "after-restart", "service"), "apply", "-f", "-");
        Assert.True(await Eventually.Holds(async () => !await cluster.PodAllowed(Ns, "after-restart"), Follow, Poll), "new Gateway after the restart not seen");
        Assert.Equal(1, PodOn(Ns, "after-restart").ExitCode);
        await AssertCountsMatch();
        cluster.Ok("delete", "gateway", "-n", Ns, "restart", "after-restart");
    }

    [SkippableFact]
    public async Task After_etcd_compaction_the_watch_gets_410_Gone_and_the_view_relists()
    {
        Skip.If(cluster.SkipReason is not null, cluster.SkipReason);
        cluster.OkIn(Waypoint(Ns, "compact", "service"), "apply", "-f", "-");
        cluster.Programmed(Ns, "compact");
        Assert.True(await Eventually.Holds(() => DeniedForTrafficType(PodOn(Ns, "compact")), TimeSpan.FromSeconds(5), Poll));

        // Later writes, then a physical compaction at the current revision: every older version is gone.
        for (var i = 0; i < 3; i++)
        {
            cluster.Ok("create", "configmap", "-n", Ns, $"compact-{Guid.NewGuid():N}");
        }

        var before = (string)cluster.GetJson("get", "gateway", "-n", Ns, "compact")["metadata"]!["resourceVersion"]!;
        var revision = await EtcdRevision();
        await Compact(revision);
        var mark = cluster.WebhookLog.Length;
        Assert.Contains("required revision has been compacted", await EtcdRangeAt(long.Parse(before, System.Globalization.CultureInfo.InvariantCulture)));

        // The restarted API server's watch cache starts at the compacted revision: the webhook's watch
        // from its older resourceVersion is answered 410 Gone (Expired), and it lists again.
        RestartApiServer();
        cluster.Ok("label", "gateway", "-n", Ns, "compact", "istio.io/waypoint-for=all", "--overwrite");

        // What any client watching from before the compaction now gets: an ERROR event with 410 Expired.
        var stale = cluster.Ok("get", "--raw", $"/apis/gateway.networking.k8s.io/v1/gateways?watch=true&resourceVersion={before}&timeoutSeconds=2");
        Assert.Contains("\"type\":\"ERROR\"", stale);
        Assert.Contains("\"code\":410", stale);

        Assert.True(
            await Eventually.Holds(() => GoneLine().IsMatch(cluster.WebhookLog[mark..]), TimeSpan.FromSeconds(40), Poll),
            "no relist after the compaction:\n" + cluster.WebhookLog[mark..]);
        Assert.True(await Eventually.Holds(() => PodOn(Ns, "compact").ExitCode == 0, TimeSpan.FromSeconds(10), Poll), "verdict wrong after the relist:\n" + cluster.WebhookLog[mark..]);
        var denied = cluster.KubectlIn(Pod(PreNamespace, "probe", $"istio.io/use-waypoint: pre-{PreGateways - 1:D2}"), "create", "--dry-run=server", "-f", "-");
        Assert.Equal(1, denied.ExitCode);
        Assert.Contains("[UnsupportedTrafficType]", denied.Error);
        await AssertCountsMatch();
        cluster.Ok("delete", "gateway", "-n", Ns, "compact");
    }

    [SkippableFact]
    public async Task After_a_dropped_watch_the_view_re_watches_from_the_last_event_seen()
    {
        Skip.If(cluster.SkipReason is not null, cluster.SkipReason);

        cluster.OkIn(Waypoint(Ns, "resume", "service"), "apply", "-f", "-");
        var version = long.Parse((string)cluster.GetJson("get", "gateway", "-n", Ns, "resume")["metadata"]!["resourceVersion"]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(await Eventually.Holds(() => DeniedForTrafficType(PodOn(Ns, "resume")), TimeSpan.FromSeconds(5), Poll));
        var mark = cluster.WebhookLog.Length;

        RestartApiServer();

        Assert.True(await Eventually.Holds(() => ResumeLine().IsMatch(cluster.WebhookLog[mark..]), TimeSpan.FromSeconds(40), Poll), cluster.WebhookLog[mark..]);
        var match = ResumeLine().Match(cluster.WebhookLog[mark..]);
        var from = long.Parse(match.Groups[1].Success ? match.Groups[1].Value : match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(from >= version, $"re-watched gateways from resourceVersion {from}, older than the event it had applied ({version}):\n{cluster.WebhookLog[mark..]}");
        cluster.Ok("delete", "gateway", "-n", Ns, "resume");
    }

    [GeneratedRegex(@"(Watch of gateways expired at resourceVersion \d+; listing again|gateways resourceVersion \d+ is gone; listing again)")]
    private static partial Regex GoneLine();

    [GeneratedRegex(@"Watch of gateways expired at resourceVersion (\d+)|gateways resourceVersion (\d+) is gone")]
    private static partial Regex ResumeLine();

    private void RestartApiServer()
    {
        cluster.Step("apiserver-stop");
        cluster.Step("apiserver-start");
    }

    /// <summary>The view holds exactly as many Gateways and GatewayClasses as the cluster (metrics vs kubectl).</summary>
    private async Task AssertCountsMatch()
    {
        var gateways = cluster.GetJson("get", "gateways", "-A")["items"]!.AsArray().Count;
        var classes = cluster.GetJson("get", "gatewayclasses")["items"]!.AsArray().Count;
        Assert.True(
            await Eventually.Holds(async () => await cluster.MetricSum("waypoint_webhook_cluster_objects", "resource=\"gateways\"") == gateways
                && await cluster.MetricSum("waypoint_webhook_cluster_objects", "resource=\"gatewayclasses\"") == classes, Follow, Poll),
            $"the view does not hold {gateways} gateways and {classes} classes:\n{await cluster.Metrics()}");
    }

    private async Task<long> EtcdRevision()
    {
        using var http = new HttpClient();
        using var response = await http.PostAsync($"http://127.0.0.1:{cluster.EtcdPort}/v3/kv/range", new StringContent("{\"key\":\"AA==\",\"limit\":\"1\"}"));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return long.Parse((string)body["header"]!["revision"]!, System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task<string> EtcdRangeAt(long revision)
    {
        using var http = new HttpClient();
        using var response = await http.PostAsync($"http://127.0.0.1:{cluster.EtcdPort}/v3/kv/range", new StringContent($"{{\"key\":\"AA==\",\"revision\":\"{revision}\"}}"));
        return await response.Content.ReadAsStringAsync();
    }

    private async Task Compact(long revision)
    {
        using var http = new HttpClient();
        using var response = await http.PostAsync(
            $"http://127.0.0.1:{cluster.EtcdPort}/v3/kv/compaction",
            new StringContent($"{{\"revision\":\"{revision}\",\"physical\":true}}"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        Assert.Contains($"\"revision\":\"{revision}\"", body.Replace(" ", "", StringComparison.Ordinal));
    }
}
