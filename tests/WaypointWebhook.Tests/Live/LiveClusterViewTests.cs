using System.Buffers;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using WaypointWebhook.Admission;
using WaypointWebhook.Cluster;
using WaypointWebhook.Cluster.Live;
using WaypointWebhook.Policy;
using WaypointWebhook.Policy.Configuration;
using WaypointWebhook.Policy.Model;
using WaypointWebhook.Testing;
using static WaypointWebhook.Testing.FakeObjects;

namespace WaypointWebhook.Tests.Live;

/// <summary>The watch-backed cluster view against a fake API server that speaks the real wire format.</summary>
public sealed class LiveClusterViewTests : IAsyncLifetime
{
    private static readonly CacheTiming Fast = new() { PageSize = 50, InitialBackoff = TimeSpan.FromMilliseconds(20), MaxBackoff = TimeSpan.FromMilliseconds(200), MinWatchSeconds = 60 };
    private readonly CancellationTokenSource stop = new();
    private FakeApiServer api = null!;
    private LiveClusterView view = null!;
    private Task running = Task.CompletedTask;

    public async Task InitializeAsync()
    {
        api = await FakeApiServer.StartAsync();
        api.Apply(GatewayClasses, GatewayClass("istio-waypoint", "istio.io/mesh-controller"));
        api.Apply(Namespaces, Namespace("default", ("istio.io/dataplane-mode", "ambient")));
        api.Apply(Gateways, Gateway("default", "waypoint"));
        view = new LiveClusterView(api.Client(), Fast, NullLoggerFactory.Instance);
    }

    public async Task DisposeAsync()
    {
        await stop.CancelAsync();
        await running;
        await api.DisposeAsync();
    }

    private async Task StartAndSync()
    {
        running = view.RunAsync(stop.Token);
        await Eventually.Until(() => view.IsSynced, "initial sync", TimeSpan.FromSeconds(10));
    }

    /// <summary>The view's snapshot now (every test reads it after the initial sync).</summary>
    private ClusterSnapshot Now => view.Snapshot ?? throw new InvalidOperationException("the view has not synced");

    private int ListRequests(string resource) => api.Requests.Count(r => r.StartsWith($"GET /{resource}?", StringComparison.Ordinal) && !r.Contains("watch=true"));

    private int WatchRequests(string resource) => api.Requests.Count(r => r.StartsWith($"GET /{resource}?", StringComparison.Ordinal) && r.Contains("watch=true"));

    [Fact]
    public async Task Not_ready_until_every_initial_list_synced()
    {
        api.ListDelay = TimeSpan.FromMilliseconds(400);
        running = view.RunAsync(stop.Token);

        Assert.Null(view.Current);
        Assert.Contains("syncing", view.Describe());
        await Eventually.Until(() => view.IsSynced, "sync", TimeSpan.FromSeconds(10));

        Assert.Same(view.Snapshot, view.Current);
        Assert.Equal("istio.io/mesh-controller", Now.GetGatewayClass("istio-waypoint")!.ControllerName);
        Assert.Equal("ambient", Now.GetNamespace("default")!.Labels["istio.io/dataplane-mode"]);
        Assert.True(Now.GetGateway("default", "waypoint")!.HasAddresses);
        Assert.Equal(
            [
                "namespaces 1", "gatewayclasses 1", "gateways 1",
                "services[istio.io/use-waypoint] 0", "services[istio.io/use-waypoint-canary] 0",
                "pods[istio.io/use-waypoint] 0", "pods[istio.io/use-waypoint-canary] 0",
                "serviceentries 0", "workloadentries 0",
            ],
            view.Resources.Select(r => $"{r.Resource} {r.Count}"));
        Assert.All(view.Resources, r => Assert.NotNull(r.LastEvent));
    }

    [Fact]
    public async Task Of_a_namespace_s_annotations_only_the_canary_weight_is_kept()
    {
        var annotated = Namespace("weighted");
        annotated["metadata"]!["annotations"] = new System.Text.Json.Nodes.JsonObject { ["istio.io/use-waypoint-canary-weight"] = "10" };
        api.Apply(Namespaces, annotated);

        await StartAndSync();

        // The fake stores it as kubectl would: a last-applied-configuration and others beside the weight.
        Assert.Equal(["istio.io/use-waypoint-canary-weight=10"], Now.GetNamespace("weighted")!.Annotations!.Select(p => $"{p.Key}={p.Value}"));
        Assert.Null(Now.GetNamespace("default")!.Annotations);
    }

    [Fact]
    public async Task Initial_list_is_paginated()
    {
        for (var i = 0; i < 120; i++)
        {
            api.Apply(Namespaces, Namespace($"ns-{i:D3}"));
        }

        await StartAndSync();

        Assert.Equal(121, view.Namespaces.Table.Count);
        Assert.Equal(3, ListRequests(Namespaces));
        Assert.Contains(api.Requests, r => r.StartsWith("GET /api/v1/namespaces?", StringComparison.Ordinal) && r.Contains("continue="));
    }

    [Fact]
    public async Task Added_modified_and_deleted_objects_reach_the_next_read()
    {
        await StartAndSync();

        api.Apply(Gateways, Gateway("app", "w"));
        await Eventually.Until(() => Now.GetGateway("app", "w") is not null, "ADDED", TimeSpan.FromSeconds(10));
        api.Apply(Gateways, Gateway("app", "w", waypointFor: "workload"));
        await Eventually.Until(() => Now.GetGateway("app", "w")?.WaypointFor == "workload", "MODIFIED", TimeSpan.FromSeconds(10));
        api.Apply(Namespaces, Namespace("default", ("team", "a")));
        await Eventually.Until(() => Now.GetNamespace("default")!.Labels.ContainsKey("team"), "namespace MODIFIED", TimeSpan.FromSeconds(10));
        api.Delete(Gateways, "app", "w");
        await Eventually.Until(() => Now.GetGateway("app", "w") is null, "DELETED", TimeSpan.FromSeconds(10));

        Assert.Equal(1, ListRequests(Gateways));
    }

    [Fact]
    public async Task Dropped_stream_rewatches_from_the_last_resource_version_without_missing_events()
    {
        await StartAndSync();
        api.Apply(Gateways, Gateway("app", "before"));
        await Eventually.Until(() => Now.GetGateway("app", "before") is not null, "event before the drop", TimeSpan.FromSeconds(10));
        var lastSeen = api.CurrentRevision;

        api.DropWatches();
        api.Apply(Gateways, Gateway("app", "during"));
        await Eventually.Until(() => Now.GetGateway("app", "during") is not null, "event while disconnected", TimeSpan.FromSeconds(10));

        Assert.Equal(1, ListRequests(Gateways));
        Assert.Contains(api.Requests, r => r.StartsWith($"GET /{Gateways}?", StringComparison.Ordinal) && r.Contains("watch=true") && r.Contains($"resourceVersion={lastSeen}"));
    }

    [Fact]
    public async Task A_stream_that_fails_mid_way_resumes_from_the_last_event_not_from_the_list()
    {
        await StartAndSync();
        var listedAt = api.CurrentRevision;
        var lastSeen = api.Apply(Gateways, Gateway("app", "before-reset"));
        await Eventually.Until(() => Now.GetGateway("app", "before-reset") is not null, "event before the reset", TimeSpan.FromSeconds(10));

        api.AbortWatches();
        var during = api.Apply(Gateways, Gateway("app", "during-reset"));
        await Eventually.Until(() => Now.GetGateway("app", "during-reset") is not null, "event while reconnecting", TimeSpan.FromSeconds(10));

        var gatewayWatches = api.Requests.Where(r => r.StartsWith($"GET /{Gateways}?", StringComparison.Ordinal) && r.Contains("watch=true")).ToList();
        Assert.Contains($"resourceVersion={listedAt}", gatewayWatches[0]);
        Assert.Contains(gatewayWatches.Skip(1), r => r.Contains($"resourceVersion={lastSeen}"));
        Assert.DoesNotContain(gatewayWatches.Skip(1), r => r.Contains($"resourceVersion={listedAt}&") || r.EndsWith($"resourceVersion={listedAt}", StringComparison.Ordinal));
        Assert.Equal(1, ListRequests(Gateways));
        Assert.True(during > lastSeen);
    }

    [Fact]
    public async Task Bookmark_moves_the_resume_point()
    {
        await StartAndSync();
        api.Apply(Namespaces, Namespace("other"));
        await Eventually.Until(() => Now.GetNamespace("other") is not null, "namespace event", TimeSpan.FromSeconds(10));
        var bookmark = api.CurrentRevision + 5;
        for (var i = 0; i < 5; i++)
        {
            api.Apply(Namespaces, Namespace("other", ("n", i.ToString())), silently: true);
        }

        api.Bookmark(Gateways);
        await Eventually.Until(() => view.Gateways.Table.ResourceVersion >= (ulong)bookmark, "the bookmark", TimeSpan.FromSeconds(10));
        api.DropWatches();
        await Eventually.Until(() => WatchRequests(Gateways) >= 2, "re-watch", TimeSpan.FromSeconds(10));

        Assert.Contains(api.Requests, r => r.StartsWith($"GET /{Gateways}?", StringComparison.Ordinal) && r.Contains($"resourceVersion={bookmark}"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Gone_relists_and_swaps_a_consistent_state(bool asErrorEvent)
    {
        await StartAndSync();
        api.GoneAsErrorEvent = asErrorEvent;

        // History is compacted past the last seen version, and changes happened that no watch will replay.
        api.CompactedBelow = long.MaxValue;
        api.Delete(Gateways, "default", "waypoint", silently: true);
        api.Apply(Gateways, Gateway("app", "new"), silently: true);
        api.DropWatches();
        await Eventually.Until(() => ListRequests(Gateways) >= 2, "relist", TimeSpan.FromSeconds(10));
        api.CompactedBelow = 0;
        await Eventually.Until(() => Now.GetGateway("app", "new") is not null, "state after relist", TimeSpan.FromSeconds(10));

        Assert.Null(Now.GetGateway("default", "waypoint"));
        Assert.True(view.Gateways.Lists >= 2);
    }

    [Fact]
    public async Task Watches_that_end_at_once_back_off_instead_of_looping()
    {
        await StartAndSync();
        await Eventually.Until(() => api.ActiveWatches == view.Resources.Count, "every watch", TimeSpan.FromSeconds(10));
        api.WatchesEndAtOnce = true;
        var before = WatchRequests(Gateways);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        api.DropWatches();
        await Eventually.Until(() => WatchRequests(Gateways) - before >= 10, "ten watch attempts", TimeSpan.FromSeconds(10));
        var elapsed = clock.Elapsed;

        // An empty watch body is an error to the client: backoff from 20 ms doubling to 200 ms, each wait
        // at least half its ceiling, spaces ten attempts over at least 10+20+40+80+5x100 = 650 ms (no more
        // than 20 a second), where an immediate retry would make them in a few milliseconds.
        Assert.True(elapsed >= TimeSpan.FromMilliseconds(500), $"ten watch attempts in {elapsed.TotalMilliseconds:F0} ms");
        Assert.Equal(1, ListRequests(Gateways));
    }

    [Fact]
    public async Task Outage_keeps_the_last_state_and_recovers()
    {
        await StartAndSync();

        api.Down = true;
        var attempts = WatchRequests(Gateways) + ListRequests(Gateways);
        api.DropWatches();
        await Eventually.Until(() => WatchRequests(Gateways) + ListRequests(Gateways) > attempts + 1, "two requests refused by the outage", TimeSpan.FromSeconds(10));
        Assert.Same(view.Snapshot, view.Current);
        Assert.NotNull(Now.GetGateway("default", "waypoint"));

        api.Down = false;
        api.Apply(Gateways, Gateway("app", "after-outage"));
        await Eventually.Until(() => Now.GetGateway("app", "after-outage") is not null, "recovery", TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Admissions_make_no_API_request_and_survive_heavy_churn()
    {
        await StartAndSync();
        await Eventually.Until(() => api.ActiveWatches == view.Resources.Count, "every watch", TimeSpan.FromSeconds(10)); // the caches' own requests, made after the lists
        var handler = new AdmissionHandler(new WaypointPolicy(new PolicyOptions()), view);
        var body = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(Reviews.PodReview("u", "default", "p", ("istio.io/use-waypoint", "waypoint")).ToJsonString()));
        var requestsBefore = api.Requests.Count;

        var quiet = Enumerable.Range(0, 200).Select(_ => handler.HandleAsync(body, AdmissionEndpoint.Validate, CancellationToken.None).AsTask()).ToArray();
        await Task.WhenAll(quiet);
        Assert.Equal(requestsBefore, api.Requests.Count);

        using var churnStop = new CancellationTokenSource();
        var churn = Task.Run(() =>
        {
            var i = 0;
            while (!churnStop.IsCancellationRequested)
            {
                api.Apply(Gateways, Gateway("default", "waypoint", waypointFor: i++ % 2 == 0 ? "service" : "all"));
                api.Apply(Namespaces, Namespace($"churn-{i % 50}"));
            }
        });

        var verdicts = new HashSet<string>();
        for (var round = 0; round < 20; round++)
        {
            var outcomes = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => handler.HandleAsync(body, AdmissionEndpoint.Validate, CancellationToken.None).AsTask()));
            foreach (var answered in outcomes.Cast<Answered>())
            {
                // Every answer is one of the two consistent states: denied for service-only, allowed for all.
                verdicts.Add(answered.Denials.Count == 0 ? "allowed" : string.Join(',', answered.Denials.Select(d => d.Reason)));
            }
        }

        await churnStop.CancelAsync();
        await churn;
        Assert.Subset(new HashSet<string> { "allowed", ReasonCodes.UnsupportedTrafficType }, verdicts);
    }

    [Fact]
    public async Task Missing_waypoint_that_would_deny_is_confirmed_with_one_GET()
    {
        await StartAndSync();
        var handler = new AdmissionHandler(new WaypointPolicy(new PolicyOptions { MissingWaypointVerdict = Verdict.Deny }), view);
        AdmissionOutcome Review(string waypoint) => handler.HandleAsync(
            new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(Reviews.Review("u", "", "v1", "Service", "default", "s", "CREATE",
                new System.Text.Json.Nodes.JsonObject { ["metadata"] = Reviews.Metadata("default", "s", ("istio.io/use-waypoint", waypoint)) }).ToJsonString())),
            AdmissionEndpoint.Validate,
            CancellationToken.None).AsTask().Result;

        // Created on the server but not (yet) seen by the watch: the GET finds it, the Service is allowed.
        api.Apply(Gateways, Gateway("default", "fresh"), silently: true);
        var fresh = Assert.IsType<Answered>(Review("fresh"));
        Assert.True(fresh.Review.Response.Allowed);
        Assert.Empty(fresh.Denials);
        Assert.Empty(fresh.Warnings);
        Assert.Single(api.Requests, r => r.StartsWith("GET /apis/gateway.networking.k8s.io/v1/namespaces/default/gateways/fresh", StringComparison.Ordinal));
        Assert.NotNull(Now.GetGateway("default", "fresh"));

        // Absent on the server too: denied.
        var absent = Assert.IsType<Answered>(Review("absent"));
        Assert.Equal(["W5"], absent.Denials.Select(d => d.Rule));

        // The API server cannot say: the miss only warns.
        api.Down = true;
        var unknown = Assert.IsType<Answered>(Review("absent"));
        Assert.True(unknown.Review.Response.Allowed);
        Assert.Empty(unknown.Denials);
        Assert.Equal([("W5", ReasonCodes.WaypointIsNotReady, "metadata.labels[istio.io/use-waypoint]")], unknown.Warnings.Select(d => (d.Rule, d.Reason, d.Field)));
    }
}
