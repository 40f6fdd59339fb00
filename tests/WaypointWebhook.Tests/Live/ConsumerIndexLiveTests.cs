using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using WaypointWebhook.Cluster;
using WaypointWebhook.Cluster.Live;
using WaypointWebhook.Policy.Model;
using WaypointWebhook.Testing;
using static WaypointWebhook.Testing.FakeObjects;
using static WaypointWebhook.Testing.FakeWorkloads;

namespace WaypointWebhook.Tests.Live;

/// <summary>The live consumer index: label-selected list+watch of every consumer kind, against the fake API server.</summary>
public sealed class ConsumerIndexLiveTests : IAsyncLifetime
{
    private const string UW = "istio.io/use-waypoint";
    private const string UWC = "istio.io/use-waypoint-canary";
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(10);
    private static readonly CacheTiming Fast = new() { PageSize = 50, InitialBackoff = TimeSpan.FromMilliseconds(20), MaxBackoff = TimeSpan.FromMilliseconds(200), MinWatchSeconds = 60 };
    private static readonly ObjectKey Waypoint = new("shop", "waypoint");
    private static readonly ObjectKey Canary = new("shop", "canary");
    private readonly CancellationTokenSource stop = new();
    private FakeApiServer api = null!;
    private LiveClusterView view = null!;
    private Task running = Task.CompletedTask;

    public async Task InitializeAsync()
    {
        api = await FakeApiServer.StartAsync();
        api.Apply(Namespaces, Namespace("shop", ("istio.io/dataplane-mode", "ambient")));
        api.Apply(Gateways, Gateway("shop", "waypoint"));
        view = new LiveClusterView(api.Client(), Fast, NullLoggerFactory.Instance);
    }

    public async Task DisposeAsync()
    {
        await stop.CancelAsync();
        await running;
        await api.DisposeAsync();
    }

    private ConsumerTable Index => (view.Snapshot ?? throw new InvalidOperationException("the view has not synced")).Consumers;

    private static string Names(IEnumerable<EnrollingSubject> consumers) =>
        string.Join(", ", consumers.Select(c => c.Object.ToString()).Order(StringComparer.Ordinal));

    private async Task StartAndWatch()
    {
        running = view.RunAsync(stop.Token);
        await Eventually.Until(() => view.IsSynced && api.ActiveWatches == view.Resources.Count, "sync and every watch", Soon);
    }

    private Task Until(Func<bool> condition, string what) => Eventually.Until(condition, what, Soon);

    [Fact]
    public async Task The_initial_lists_index_the_labelled_objects_of_every_kind_and_only_those()
    {
        api.Apply(Pods, Pod("shop", "reviews-1", (UW, "waypoint")));
        api.Apply(Pods, Pod("shop", "unlabelled-1"));
        api.Apply(Services, Service("shop", "reviews", labels: (UW, "waypoint")));
        api.Apply(ServiceEntries, ServiceEntry("shop", "external", [(UWC, "canary")], ("10.0.0.1", [(UW, "waypoint")])));
        api.Apply(WorkloadEntries, WorkloadEntry("shop", "vm", [(UW, "waypoint")]));
        api.Apply(Namespaces, Namespace("labelled", (UW, "waypoint"), ("istio.io/use-waypoint-namespace", "shop")));

        await StartAndWatch();

        Assert.Equal("Namespace labelled, Pod shop/reviews-1, Service shop/reviews, ServiceEntry shop/external, WorkloadEntry shop/vm", Names(Index.Naming(Waypoint)));
        Assert.Equal("ServiceEntry shop/external", Names(Index.Naming(Canary)));
        Assert.Equal(5, Index.Count);
        Assert.Equal(4, Index.In("shop").Count());

        // Pods and Services are asked for labelled objects only; ServiceEntries and WorkloadEntries whole (their
        // labels may be in the spec); the Namespace watch is the one there was.
        var consumerRequests = api.Requests.Select(Uri.UnescapeDataString).Where(r => r.Contains("/pods?") || r.Contains("/services?")).ToList();
        Assert.All(consumerRequests, r => Assert.Matches("labelSelector=istio.io/use-waypoint(-canary)?(&|$)", r));
        Assert.Equal(4, consumerRequests.Where(r => !r.Contains("watch=true")).Select(r => r.Split('?')[0] + r[r.IndexOf("labelSelector=", StringComparison.Ordinal)..].Split('&')[0]).Distinct().Count());
        Assert.DoesNotContain(api.Requests.Select(Uri.UnescapeDataString), r => (r.Contains("/serviceentries?") || r.Contains("/workloadentries?")) && r.Contains("labelSelector"));
        Assert.DoesNotContain(api.Requests.Select(Uri.UnescapeDataString), r => r.Contains("/namespaces?") && r.Contains("labelSelector"));
        Assert.Single(api.Requests.Select(Uri.UnescapeDataString), r => r.StartsWith("GET /api/v1/namespaces?", StringComparison.Ordinal) && r.Contains("watch=true"));
    }

    [Fact]
    public async Task Added_modified_and_deleted_consumers_move_in_the_index()
    {
        await StartAndWatch();

        api.Apply(Pods, Pod("shop", "reviews-1", (UW, "waypoint")));
        api.Apply(Services, Service("shop", "reviews", labels: (UW, "waypoint")));
        api.Apply(WorkloadEntries, WorkloadEntry("shop", "vm", [], (UW, "waypoint")));
        await Until(() => Index.Naming(Waypoint).Count() == 3, "ADDED");
        Assert.Equal("Pod shop/reviews-1, Service shop/reviews, WorkloadEntry shop/vm", Names(Index.Naming(Waypoint)));

        api.Apply(Pods, Pod("shop", "reviews-1", (UW, "canary")));
        await Until(() => Index.Naming(Canary).Any(), "MODIFIED");
        Assert.Equal("Service shop/reviews, WorkloadEntry shop/vm", Names(Index.Naming(Waypoint)));
        Assert.Equal("Pod shop/reviews-1", Names(Index.Naming(Canary)));

        api.Delete(Services, "shop", "reviews");
        api.Delete(WorkloadEntries, "shop", "vm");
        await Until(() => !Index.Naming(Waypoint).Any(), "DELETED");
        Assert.Equal(1, Index.Count);
        Assert.Equal(6, view.Consumers.Sum(c => c.Lists)); // followed by the watches alone
    }

    [Fact]
    public async Task Waypoint_labels_where_no_selector_sees_them_are_indexed_and_followed()
    {
        // istiod reads a WorkloadEntry's spec.labels (under metadata.labels) and a ServiceEntry endpoint's own labels.
        api.Apply(WorkloadEntries, WorkloadEntry("shop", "vm", [], (UW, "waypoint")));
        api.Apply(ServiceEntries, ServiceEntry("shop", "external", [], ("10.0.0.1", [(UWC, "canary")]), ("10.0.0.2", [])));
        api.Apply(ServiceEntries, ServiceEntry("shop", "plain", [], ("10.0.0.3", [])));
        await StartAndWatch();

        Assert.Equal("WorkloadEntry shop/vm", Names(Index.Naming(Waypoint)));
        Assert.Equal("ServiceEntry shop/external", Names(Index.Naming(Canary)));
        Assert.Equal(2, Index.Count);

        api.Apply(ServiceEntries, ServiceEntry("shop", "plain", [], ("10.0.0.3", [(UW, "waypoint")])));
        await Until(() => Index.Count == 3, "an endpoint labelled");
        api.Apply(ServiceEntries, ServiceEntry("shop", "external", [], ("10.0.0.1", [])));
        api.Apply(WorkloadEntries, WorkloadEntry("shop", "vm", []));
        await Until(() => Index.Count == 1, "labels removed from the spec");
        Assert.Equal("ServiceEntry shop/plain", Names(Index.All));
        Assert.Empty(Index.Naming(Canary));
    }

    [Fact]
    public async Task A_consumer_whose_label_is_removed_leaves_the_index()
    {
        api.Apply(Pods, Pod("shop", "reviews-1", (UW, "waypoint")));
        api.Apply(ServiceEntries, ServiceEntry("shop", "external", [(UW, "waypoint")]));
        await StartAndWatch();
        Assert.Equal(2, Index.Count);

        // Still there, no longer labelled: the API server's label-selected watch sends DELETED for each.
        api.Apply(Pods, Pod("shop", "reviews-1"));
        api.Apply(ServiceEntries, ServiceEntry("shop", "external", []));
        await Until(() => Index.Count == 0, "the unlabelled objects gone");

        Assert.Empty(Index.Naming(Waypoint));
        Assert.Empty(Index.In("shop"));
        Assert.Equal(0, Index.TargetCount);
    }

    [Fact]
    public async Task An_object_with_both_labels_counts_once_and_stays_while_either_label_does()
    {
        api.Apply(Pods, Pod("shop", "both", (UW, "waypoint"), (UWC, "canary")));
        await StartAndWatch();

        Assert.Equal(1, Index.Count);
        Assert.Single(Index.All);
        Assert.Equal(1, view.Consumers.Single(c => c.Name == "pods[istio.io/use-waypoint]").Table.Count);
        Assert.Equal(1, view.Consumers.Single(c => c.Name == "pods[istio.io/use-waypoint-canary]").Table.Count);

        api.Apply(Pods, Pod("shop", "both", (UWC, "canary")));
        await Until(() => view.Consumers.Single(c => c.Name == "pods[istio.io/use-waypoint]").Table.Count == 0 && !Index.Naming(Waypoint).Any(), "the use-waypoint watch's DELETED");
        Assert.Equal(1, Index.Count);
        Assert.Equal("Pod shop/both", Names(Index.Naming(Canary)));

        api.Apply(Pods, Pod("shop", "both"));
        await Until(() => Index.Count == 0, "the canary watch's DELETED");
        Assert.Empty(Index.Naming(Canary));
    }

    [Fact]
    public async Task Namespace_consumers_follow_the_namespace_watch()
    {
        await StartAndWatch();

        api.Apply(Namespaces, Namespace("team", (UW, "waypoint"), ("istio.io/use-waypoint-namespace", "shop")));
        await Until(() => Index.Naming(Waypoint).Any(), "a labelled Namespace");
        Assert.Equal("Namespace team", Names(Index.In("team")));

        api.Apply(Namespaces, Namespace("team", ("other", "x")));
        await Until(() => Index.Count == 0, "the label removed");
        Assert.NotNull(view.Snapshot!.GetNamespace("team"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_relist_after_410_leaves_the_index_as_the_API_server_has_it(bool goneAsErrorEvent)
    {
        api.GoneAsErrorEvent = goneAsErrorEvent;
        api.Apply(Pods, Pod("shop", "stays", (UW, "waypoint")));
        api.Apply(Pods, Pod("shop", "deleted-unseen", (UW, "waypoint")));
        api.Apply(Pods, Pod("shop", "relabelled-unseen", (UW, "waypoint")));
        api.Apply(Pods, Pod("shop", "moved-unseen", (UW, "waypoint"), (UWC, "canary")));
        await StartAndWatch();
        Assert.Equal(4, Index.Naming(Waypoint).Count());

        // History the watches never see, then compaction past it: only a fresh list can tell.
        api.Delete(Pods, "shop", "deleted-unseen", silently: true);
        api.Apply(Pods, Pod("shop", "relabelled-unseen"), silently: true);
        api.Apply(Pods, Pod("shop", "moved-unseen", (UWC, "canary")), silently: true);
        api.Apply(Pods, Pod("shop", "added-unseen", (UWC, "canary")), silently: true);
        api.CompactedBelow = api.CurrentRevision + 1;
        api.DropWatches();
        await Until(() => view.Consumers.All(c => c.Lists >= 2), "every consumer reflector relisted");
        api.CompactedBelow = 0;

        Assert.Equal("Pod shop/stays", Names(Index.Naming(Waypoint)));
        Assert.Equal("Pod shop/added-unseen, Pod shop/moved-unseen", Names(Index.Naming(Canary)));
        Assert.Equal(3, Index.Count);
        Assert.Equal("Pod shop/added-unseen, Pod shop/moved-unseen, Pod shop/stays", Names(Index.In("shop")));
    }

    [Fact]
    public async Task Readiness_waits_for_the_consumer_lists()
    {
        api.Apply(Pods, Pod("shop", "reviews-1", (UW, "waypoint")));
        api.HoldLists(Pods);
        running = view.RunAsync(stop.Token);
        await Until(() => view.Namespaces.IsSynced && view.Gateways.IsSynced && view.Consumers.Count(c => c.IsSynced) == 4, "every list but the Pods'");

        Assert.False(view.IsSynced);
        Assert.Null(view.Current);
        Assert.Contains("pods[istio.io/use-waypoint] syncing (0)", view.Describe());
        Assert.Contains("services[istio.io/use-waypoint] synced (0)", view.Describe());

        api.ReleaseLists(Pods);
        await Until(() => view.IsSynced, "sync");
        Assert.Equal("Pod shop/reviews-1", Names(Index.Naming(Waypoint)));
    }

    [Fact]
    public async Task Changed_is_raised_after_each_write_with_the_new_snapshot_in_place()
    {
        var seen = new System.Collections.Concurrent.ConcurrentQueue<int>();
        view.Changed += () => throw new InvalidOperationException("a broken handler"); // reported; the others and the watches go on
        view.Changed += () => seen.Enqueue(view.Snapshot?.Consumers.Count ?? -1);
        api.Apply(Pods, Pod("shop", "before-sync", (UW, "waypoint")));
        await StartAndWatch();

        // Readiness itself is notified: the last list's write is seen with the view ready.
        Assert.Contains(1, seen);

        var before = seen.Count;
        api.Apply(Pods, Pod("shop", "after-sync", (UW, "waypoint")));
        await Until(() => seen.Contains(2), "a notification that sees the new Pod");
        Assert.True(seen.Count > before);
        api.Delete(Pods, "shop", "after-sync");
        await Until(() => seen.Reverse().First() == 1, "a notification that sees the deletion");
    }

    [Fact]
    public async Task A_change_the_rules_do_not_read_moves_the_version_and_tells_nobody()
    {
        api.Apply(Pods, Pod("shop", "reviews-1", (UW, "waypoint")));
        await StartAndWatch();
        var pods = view.Consumers.Single(r => r.Name == "pods[istio.io/use-waypoint]");
        var held = Index.Naming(Waypoint).Single();
        var told = 0;
        view.Changed += () => Interlocked.Increment(ref told);

        // A restart annotation and a status write, as a busy cluster makes them all the time: the audit must not
        // re-judge every consumer for each.
        var restarted = Pod("shop", "reviews-1", (UW, "waypoint"));
        restarted["metadata"]!["annotations"] = new JsonObject { ["kubectl.kubernetes.io/restartedAt"] = "2026-12-02T00:00:00Z" };
        restarted["status"] = new JsonObject { ["phase"] = "Running" };
        var version = api.Apply(Pods, restarted);
        await Until(() => pods.Table.ResourceVersion >= (ulong)version, "the event applied");

        Assert.Equal(0, Volatile.Read(ref told));
        Assert.Same(held, Index.Naming(Waypoint).Single());

        // A change the rules read is applied and told.
        api.Apply(Pods, Pod("shop", "reviews-1", (UW, "waypoint"), (UWC, "canary")));
        await Until(() => Volatile.Read(ref told) > 0, "a notification");
        Assert.Equal("Pod shop/reviews-1", Names(Index.Naming(Canary)));
    }

    [Fact]
    public async Task The_fake_refuses_a_selector_it_cannot_read()
    {
        using var http = new HttpClient { BaseAddress = api.Url };

        using var setBased = await http.GetAsync("/api/v1/pods?labelSelector=" + Uri.EscapeDataString("app in (a,b)"));
        using var badKey = await http.GetAsync("/api/v1/pods?watch=true&labelSelector=" + Uri.EscapeDataString("-bad"));

        Assert.Equal(400, (int)setBased.StatusCode);
        Assert.Contains("set-based", (string?)JsonNode.Parse(await setBased.Content.ReadAsStringAsync())!["message"]);
        Assert.Equal(400, (int)badKey.StatusCode);
        Assert.Contains("invalid label key", await badKey.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_fake_watch_sends_ADDED_when_an_object_starts_matching_and_DELETED_when_it_stops()
    {
        api.Apply(Pods, Pod("shop", "p"));
        var from = api.CurrentRevision;
        api.Apply(Pods, Pod("shop", "p", (UW, "waypoint")));
        api.Apply(Pods, Pod("shop", "p", (UW, "other")));
        api.Apply(Pods, Pod("shop", "p"));
        api.Apply(Pods, Pod("shop", "q"));
        api.Delete(Pods, "shop", "p");
        using var http = new HttpClient { BaseAddress = api.Url };

        using var watch = await http.GetAsync($"/api/v1/pods?watch=true&timeoutSeconds=1&resourceVersion={from}&labelSelector={Uri.EscapeDataString(UW)}");
        var events = (await watch.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();

        Assert.Equal(["ADDED waypoint", "MODIFIED other", "DELETED "], events.Select(e => $"{(string?)e["type"]} {(string?)e["object"]!["metadata"]!["labels"]![UW]}"));
        Assert.Equal("p", (string?)events[2]["object"]!["metadata"]!["name"]);
    }
}
