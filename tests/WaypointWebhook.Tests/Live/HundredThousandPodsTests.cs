using Microsoft.Extensions.Logging.Abstractions;
using WaypointWebhook.Cluster.Live;
using WaypointWebhook.Policy.Model;
using WaypointWebhook.Testing;
using static WaypointWebhook.Testing.FakeObjects;
using static WaypointWebhook.Testing.FakeWorkloads;

namespace WaypointWebhook.Tests.Live;

/// <summary>The scale through the real client: 100,000 labelled Pods, stored as the API server stores them.</summary>
[Collection(LargeClusterCollection.Name)]
public sealed class HundredThousandPodsTests
{
    private const int Count = 100_000;

    [Fact]
    public async Task The_fake_serves_100000_labelled_pods_and_the_index_holds_each_once()
    {
        try
        {
            await SyncAndCheck();
        }
        finally
        {
            // Hand the gigabyte back now, not in a collection paused in the middle of the next test.
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        }
    }

    private static async Task SyncAndCheck()
    {
        await using var api = await FakeApiServer.StartAsync();
        api.Apply(Namespaces, Namespace("default"));
        for (var i = 0; i < Count; i++)
        {
            api.Apply(Pods, i % 4 == 0
                ? Pod($"ns-{i % 100:D2}", $"app-5b8c9d7f4-{i:x5}", ("istio.io/use-waypoint", $"w{i % 10}"), ("istio.io/use-waypoint-canary", "canary"))
                : Pod($"ns-{i % 100:D2}", $"app-5b8c9d7f4-{i:x5}", ("istio.io/use-waypoint", $"w{i % 10}")));
        }

        api.Apply(Pods, Pod("ns-00", "unlabelled"));
        var view = new LiveClusterView(api.Client(), new CacheTiming { PageSize = 500 }, NullLoggerFactory.Instance);
        using var stop = new CancellationTokenSource();
        var running = view.RunAsync(stop.Token);
        try
        {
            await Eventually.Until(() => view.IsSynced, "sync of 100,000 Pods", TimeSpan.FromMinutes(3), TimeSpan.FromMilliseconds(50));

            var index = view.Snapshot!.Consumers;
            Assert.Equal(Count, index.Count);
            Assert.Equal(Count, view.Consumers.Single(c => c.Name == "pods[istio.io/use-waypoint]").Table.Count);
            Assert.Equal(Count / 4, view.Consumers.Single(c => c.Name == "pods[istio.io/use-waypoint-canary]").Table.Count);
            Assert.Equal(1_000, index.Naming(new ObjectKey("ns-07", "w7")).Count()); // i % 100 == 7 gives i % 10 == 7
            Assert.Empty(index.Naming(new ObjectKey("ns-07", "w3")));
            Assert.Equal(1_000, index.Naming(new ObjectKey("ns-04", "canary")).Count()); // i % 100 == 4 gives i % 4 == 0
            Assert.Empty(index.Naming(new ObjectKey("ns-05", "canary")));
            Assert.Equal(1_000, index.In("ns-42").Count());
            Assert.Equal(200, api.Requests.Count(r => r.StartsWith("GET /api/v1/pods?", StringComparison.Ordinal) && r.Contains("use-waypoint&") && !r.Contains("watch=true")));
        }
        finally
        {
            await stop.CancelAsync();
            await running;
        }
    }
}
