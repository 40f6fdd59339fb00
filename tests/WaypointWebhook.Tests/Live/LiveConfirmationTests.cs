using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
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

/// <summary>
/// What the view lacks is confirmed with the API server before it can deny, and a confirming GET that
/// races the watch never loses or undoes a change. Driven through the admission handler, as in serve.
/// </summary>
public sealed class LiveConfirmationTests : IAsyncLifetime
{
    private static readonly CacheTiming Fast = new() { InitialBackoff = TimeSpan.FromMilliseconds(20), MaxBackoff = TimeSpan.FromMilliseconds(200), MinWatchSeconds = 60, ConfirmTimeout = TimeSpan.FromSeconds(2) };
    private readonly CancellationTokenSource stop = new();
    private FakeApiServer api = null!;
    private LiveClusterView view = null!;
    private Task running = Task.CompletedTask;

    public async Task InitializeAsync()
    {
        api = await FakeApiServer.StartAsync();
        api.Apply(GatewayClasses, GatewayClass("istio-waypoint", "istio.io/mesh-controller"));
        api.Apply(Namespaces, Namespace("default", ("istio.io/dataplane-mode", "ambient")));
        api.Apply(Namespaces, Namespace("infra"));
        api.Apply(Gateways, SelectorWaypoint("infra", "shared", "team", "a"));
        view = new LiveClusterView(api.Client(), Fast, NullLoggerFactory.Instance);
        running = view.RunAsync(stop.Token);
        await Eventually.Until(() => view.IsSynced && api.ActiveWatches == view.Resources.Count, "sync and every watch", TimeSpan.FromSeconds(10));
    }

    public async Task DisposeAsync()
    {
        await stop.CancelAsync();
        await running;
        await api.DisposeAsync();
    }

    /// <summary>A waypoint for all traffic whose HBONE listener admits the namespaces labelled <c>key=value</c>.</summary>
    private static JsonObject SelectorWaypoint(string ns, string name, string key, string value)
    {
        var gateway = Gateway(ns, name, waypointFor: "all");
        gateway["spec"]!["listeners"]![0]!["allowedRoutes"] = new JsonObject
        {
            ["namespaces"] = new JsonObject { ["from"] = "Selector", ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { [key] = value } } },
        };
        return gateway;
    }

    private Task<AdmissionOutcome> ServiceReview(PolicyOptions options, string ns, params (string Key, string Value)[] labels) =>
        new AdmissionHandler(new WaypointPolicy(options), view).HandleAsync(
            new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(Reviews.Review("u", "", "v1", "Service", ns, "s", "CREATE",
                new JsonObject { ["metadata"] = Reviews.Metadata(ns, "s", labels) }).ToJsonString())),
            AdmissionEndpoint.Validate,
            CancellationToken.None).AsTask();

    private int Gets(string path) => api.Requests.Count(r => r.StartsWith($"GET /{path}", StringComparison.Ordinal) && !r.Contains('?'));

    private static readonly PolicyOptions DenyMissing = new() { MissingWaypointVerdict = Verdict.Deny };

    [Fact]
    public async Task A_GET_answered_after_the_gateway_was_deleted_does_not_bring_it_back()
    {
        // Created where the watch cannot see it, so the view misses it and the handler asks.
        api.Apply(Gateways, Gateway("default", "doomed"), silently: true);
        api.GetDelay = TimeSpan.FromMilliseconds(400);

        var review = ServiceReview(DenyMissing, "default", ("istio.io/use-waypoint", "doomed"));
        await api.GetStarted.Task.WaitAsync(TimeSpan.FromSeconds(5));
        var deletedAt = api.Delete(Gateways, "default", "doomed");
        await Eventually.Until(() => view.Gateways.Table.ResourceVersion >= (ulong)deletedAt, "the DELETE event", TimeSpan.FromSeconds(10));
        var answered = Assert.IsType<Answered>(await review);

        // The GET read the Gateway before the DELETE; the store knows better, and so does the verdict.
        Assert.Equal(1, Gets("apis/gateway.networking.k8s.io/v1/namespaces/default/gateways/doomed"));
        Assert.Null(view.Snapshot!.GetGateway("default", "doomed"));
        Assert.Equal(["W5"], answered.Denials.Select(d => d.Rule));
        Assert.False(answered.Review.Response.Allowed);
    }

    [Fact]
    public async Task A_GET_answered_after_a_newer_change_keeps_the_newer_one()
    {
        api.Apply(Gateways, Gateway("default", "moving", waypointFor: "service"), silently: true);
        api.GetDelay = TimeSpan.FromMilliseconds(400);

        var review = ServiceReview(DenyMissing, "default", ("istio.io/use-waypoint", "moving"));
        await api.GetStarted.Task.WaitAsync(TimeSpan.FromSeconds(5));
        var changedAt = api.Apply(Gateways, Gateway("default", "moving", waypointFor: "workload"));
        await Eventually.Until(() => view.Gateways.Table.ResourceVersion >= (ulong)changedAt, "the MODIFIED event", TimeSpan.FromSeconds(10));
        var answered = Assert.IsType<Answered>(await review);

        // The GET's copy (service) is older than the watch's (workload): the newer one stays and is judged.
        Assert.Equal("workload", view.Snapshot!.GetGateway("default", "moving")!.WaypointFor);
        Assert.Equal([ReasonCodes.UnsupportedTrafficType], answered.Denials.Select(d => d.Reason));
    }

    [Fact]
    public async Task A_gateway_the_watch_has_not_brought_yet_is_found_used_and_kept()
    {
        api.Apply(Gateways, Gateway("default", "fresh"), silently: true);

        var answered = Assert.IsType<Answered>(await ServiceReview(DenyMissing, "default", ("istio.io/use-waypoint", "fresh")));

        Assert.True(answered.Review.Response.Allowed);
        Assert.Empty(answered.Denials);
        Assert.Empty(answered.Warnings);
        Assert.NotNull(view.Snapshot!.GetGateway("default", "fresh"));
    }

    [Fact]
    public async Task Nothing_is_asked_when_a_miss_only_warns()
    {
        var before = api.Requests.Count;

        var answered = Assert.IsType<Answered>(await ServiceReview(new PolicyOptions(), "default", ("istio.io/use-waypoint", "later")));

        Assert.Equal(["W5"], answered.Warnings.Select(w => w.Rule));
        Assert.Equal(before, api.Requests.Count);
    }

    [Fact]
    public async Task An_unknown_namespace_is_read_before_a_selector_judges_it()
    {
        api.Apply(Namespaces, Namespace("fresh-a", ("team", "a")), silently: true);
        api.Apply(Namespaces, Namespace("fresh-b", ("team", "b")), silently: true);
        (string, string)[] reference = [("istio.io/use-waypoint", "shared"), ("istio.io/use-waypoint-namespace", "infra")];

        var admitted = Assert.IsType<Answered>(await ServiceReview(new PolicyOptions(), "fresh-a", reference));
        var refused = Assert.IsType<Answered>(await ServiceReview(new PolicyOptions(), "fresh-b", reference));

        Assert.True(admitted.Review.Response.Allowed);
        Assert.Empty(admitted.Denials);
        Assert.Empty(admitted.Warnings);
        Assert.Equal(["W8"], refused.Denials.Select(d => d.Rule));
        Assert.Equal(1, Gets("api/v1/namespaces/fresh-a"));
        Assert.Equal(1, Gets("api/v1/namespaces/fresh-b"));
        Assert.Equal(["a", "b"], new[] { "fresh-a", "fresh-b" }.Select(n => view.Snapshot!.GetNamespace(n)!.Labels["team"]));
    }

    [Fact]
    public async Task A_selector_never_denies_on_a_namespace_nobody_could_describe()
    {
        (string, string)[] reference = [("istio.io/use-waypoint", "shared"), ("istio.io/use-waypoint-namespace", "infra")];

        api.Down = true;
        var unreachable = Assert.IsType<Answered>(await ServiceReview(new PolicyOptions(), "ghost", reference));
        api.Down = false;
        var unknownToServer = Assert.IsType<Answered>(await ServiceReview(new PolicyOptions(), "ghost", reference));

        foreach (var answered in new[] { unreachable, unknownToServer })
        {
            Assert.True(answered.Review.Response.Allowed);
            Assert.Empty(answered.Denials);
            Assert.Equal(["W8"], answered.Warnings.Select(w => w.Rule));
            Assert.Equal((ReasonCodes.AttachmentDenied, "metadata.labels[istio.io/use-waypoint]"), (Assert.Single(answered.Warnings).Reason, answered.Warnings[0].Field));
        }
    }

    [Fact]
    public async Task A_slow_API_server_costs_a_warning_within_the_confirm_timeout()
    {
        var slowView = new LiveClusterView(api.Client(), Fast with { ConfirmTimeout = TimeSpan.FromMilliseconds(300) }, NullLoggerFactory.Instance);
        using var slowStop = new CancellationTokenSource();
        var slowRunning = slowView.RunAsync(slowStop.Token);
        await Eventually.Until(() => slowView.IsSynced, "second view sync", TimeSpan.FromSeconds(10));
        api.GetDelay = TimeSpan.FromSeconds(3);
        var handler = new AdmissionHandler(new WaypointPolicy(DenyMissing), slowView);
        var started = DateTime.UtcNow;

        var answered = Assert.IsType<Answered>(await handler.HandleAsync(
            new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(Reviews.Review("u", "", "v1", "Service", "default", "s", "CREATE",
                new JsonObject { ["metadata"] = Reviews.Metadata("default", "s", ("istio.io/use-waypoint", "absent")) }).ToJsonString())),
            AdmissionEndpoint.Validate,
            CancellationToken.None));

        Assert.InRange(DateTime.UtcNow - started, TimeSpan.Zero, TimeSpan.FromSeconds(2.5));
        Assert.True(answered.Review.Response.Allowed);
        Assert.Empty(answered.Denials);
        Assert.Equal([("W5", ReasonCodes.WaypointIsNotReady, "metadata.labels[istio.io/use-waypoint]")], answered.Warnings.Select(w => (w.Rule, w.Reason, w.Field)));
        await slowStop.CancelAsync();
        await slowRunning;
    }

    [Fact]
    public async Task One_admission_asks_at_most_eight_GETs_and_the_rest_only_warn()
    {
        // A ServiceEntry whose 20 endpoints each name a different Gateway nobody has.
        var endpoints = new JsonArray(Enumerable.Range(0, 20).Select(i => (JsonNode?)new JsonObject
        {
            ["address"] = $"10.1.0.{i}",
            ["labels"] = new JsonObject { ["istio.io/use-waypoint"] = $"gone-{i:D2}" },
        }).ToArray());
        var before = api.Requests.Count;

        var answered = Assert.IsType<Answered>(await new AdmissionHandler(new WaypointPolicy(DenyMissing), view).HandleAsync(
            new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(Reviews.Review("u", "networking.istio.io", "v1", "ServiceEntry", "default", "se", "CREATE",
                new JsonObject { ["metadata"] = Reviews.Metadata("default", "se"), ["spec"] = new JsonObject { ["hosts"] = new JsonArray("se.example"), ["endpoints"] = endpoints } }).ToJsonString())),
            AdmissionEndpoint.Validate,
            CancellationToken.None));

        var gets = api.Requests.Skip(before).Where(r => r.Contains("/gateways/gone-", StringComparison.Ordinal)).ToList();
        Assert.Equal(ViewMisses.MaxConfirmations, gets.Count);
        Assert.Equal(ViewMisses.MaxConfirmations, answered.Denials.Count(d => d.Rule == "W5"));
        Assert.Equal(20 - ViewMisses.MaxConfirmations, answered.Warnings.Count(w => w.Rule == "W5"));
    }

    [Fact]
    public async Task A_snapshot_taken_for_an_admission_never_changes_under_it()
    {
        var taken = view.Snapshot!;
        var changedAt = api.Apply(Gateways, Gateway("default", "later"));
        api.Apply(Namespaces, Namespace("default", ("team", "z")));
        await Eventually.Until(() => view.Snapshot!.Gateways.ResourceVersion >= (ulong)changedAt && view.Snapshot.Namespaces.ResourceVersion > (ulong)changedAt, "both events (two watch streams)", TimeSpan.FromSeconds(10));

        Assert.Null(taken.GetGateway("default", "later"));
        Assert.False(taken.GetNamespace("default")!.Labels.ContainsKey("team"));
        Assert.NotNull(view.Snapshot!.GetGateway("default", "later"));
        Assert.Equal("z", view.Snapshot.GetNamespace("default")!.Labels["team"]);
    }
}
