using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using WaypointWebhook.Cluster.Live;
using WaypointWebhook.Testing;
using static WaypointWebhook.Testing.FakeObjects;

namespace WaypointWebhook.Tests.Live;

/// <summary>
/// Lists and watches of objects as a real API server stores them (a last-applied-configuration on each,
/// lists well over one 16 KB read buffer), cut into HTTP chunks of every size: the view syncs, reads
/// every field the rules read, and follows changes.
/// </summary>
public sealed class ChunkedResponseTests
{
    public static TheoryData<string> Chunkings => ["1", "7", "random-64", "random-4096", "whole"];

    private static ResponseChunks? Chunks(string name) => name switch
    {
        "whole" => null,
        "random-64" => ResponseChunks.Random(17, 64),
        "random-4096" => ResponseChunks.Random(42, 4096),
        _ => ResponseChunks.Fixed(int.Parse(name, System.Globalization.CultureInfo.InvariantCulture)),
    };

    [Theory]
    [MemberData(nameof(Chunkings))]
    public async Task Real_shaped_lists_and_watches_decode_on_any_chunk_boundary(string chunking)
    {
        await using var api = await FakeApiServer.StartAsync();
        var count = chunking == "1" ? 12 : 30; // 12 Gateways already overflow the client's first read buffer
        api.Apply(GatewayClasses, GatewayClass("istio-waypoint", "istio.io/mesh-controller"));
        for (var i = 0; i < count; i++)
        {
            api.Apply(Namespaces, Namespace($"team-{i}", ("team", $"t{i}")));
            var gateway = Gateway($"team-{i}", "waypoint", waypointFor: i % 2 == 0 ? "all" : "workload", from: "All");
            gateway["metadata"]!["annotations"] = new JsonObject { ["ambient.istio.io/waypoint-inbound-binding"] = $"PROXY/{15000 + i}" };
            api.Apply(Gateways, gateway);
        }

        api.Chunks = Chunks(chunking);
        var view = new LiveClusterView(api.Client(), new CacheTiming { PageSize = 500, InitialBackoff = TimeSpan.FromMilliseconds(20), MinWatchSeconds = 60 }, NullLoggerFactory.Instance);
        using var stop = new CancellationTokenSource();
        var running = view.RunAsync(stop.Token);
        try
        {
            await Eventually.Until(() => view.IsSynced, $"sync with {api.Chunks?.ToString() ?? "whole responses"}", TimeSpan.FromSeconds(60));

            var snapshot = view.Snapshot!;
            Assert.Equal(count, snapshot.Gateways.Count);
            Assert.Equal(count, snapshot.Namespaces.Count);
            for (var i = 0; i < count; i++)
            {
                var gateway = snapshot.GetGateway($"team-{i}", "waypoint")!;
                Assert.Equal($"PROXY/{15000 + i}", gateway.InboundBinding);
                Assert.Equal(i % 2 == 0 ? "all" : "workload", gateway.WaypointFor);
                Assert.Equal("All", Assert.Single(gateway.Listeners).Namespaces!.From);
                Assert.True(gateway.HasAddresses);
                Assert.Equal($"t{i}", snapshot.GetNamespace($"team-{i}")!.Labels["team"]);
            }

            // Watch events arrive in the same pieces.
            await Eventually.Until(() => api.ActiveWatches == view.Resources.Count, "every watch", TimeSpan.FromSeconds(30));
            api.Apply(Gateways, Gateway("team-0", "waypoint", waypointFor: "service"));
            api.Delete(Gateways, "team-1", "waypoint");
            api.Apply(Namespaces, Namespace("team-2", ("team", "moved")));
            await Eventually.Until(
                () => view.Snapshot!.GetGateway("team-0", "waypoint")?.WaypointFor == "service"
                      && view.Snapshot.GetGateway("team-1", "waypoint") is null
                      && view.Snapshot.GetNamespace("team-2")?.Labels["team"] == "moved",
                "the watch events",
                TimeSpan.FromSeconds(60));
            Assert.Equal(1, view.Gateways.Lists);
        }
        finally
        {
            await stop.CancelAsync();
            await running;
        }
    }
}
