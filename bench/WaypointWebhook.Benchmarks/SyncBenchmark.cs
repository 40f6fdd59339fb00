using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using WaypointWebhook.Cluster.Live;
using WaypointWebhook.Testing;
using static WaypointWebhook.Testing.FakeObjects;

namespace WaypointWebhook.Benchmarks;

/// <summary>
/// The live cluster view's initial sync against the fake API server (real KubernetesClient, real wire
/// format, paginated lists): time until every list is in, and the memory the view retains.
/// </summary>
public static class SyncBenchmark
{
    public static async Task RunAsync(int[] namespaceCounts, int gateways)
    {
        Console.WriteLine("| namespaces | gateways | sync time | list requests | retained by the view |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var namespaces in namespaceCounts)
        {
            await using var api = await FakeApiServer.StartAsync();
            api.Apply(GatewayClasses, GatewayClass("istio-waypoint", "istio.io/mesh-controller"));
            for (var i = 0; i < namespaces; i++)
            {
                api.Apply(Namespaces, Namespace(BenchData.Namespace(i), ("istio.io/dataplane-mode", "ambient"), ("team", $"t{i % 50}")));
            }

            for (var i = 0; i < gateways; i++)
            {
                api.Apply(FakeObjects.Gateways, Gateway(BenchData.Namespace(i), "waypoint", i % 2 == 0 ? "service" : "all"));
            }

            var (elapsed, withView) = await SyncAsync(api);
            var withoutView = Retained();
            var lists = api.Requests.Count(r => !r.Contains("watch=true"));
            Console.WriteLine($"| {namespaces:N0} | {gateways:N0} | {elapsed.TotalMilliseconds:F0} ms | {lists} | {(withView - withoutView) / 1024.0 / 1024.0:F1} MB |");
        }
    }

    /// <summary>
    /// Syncs a view and measures the heap while it is alive; the caller measures again once it is gone,
    /// so the difference is the view alone, whatever the fake API server holds or caches meanwhile.
    /// </summary>
    private static async Task<(TimeSpan Elapsed, long WithView)> SyncAsync(FakeApiServer api)
    {
        var view = new LiveClusterView(api.Client(), new CacheTiming(), NullLoggerFactory.Instance);
        using var stop = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        var running = view.RunAsync(stop.Token);
        await Eventually.Until(() => view.IsSynced, "the view's sync", TimeSpan.FromMinutes(5), TimeSpan.FromMilliseconds(5));

        var elapsed = clock.Elapsed;
        var withView = Retained();
        GC.KeepAlive(view);
        await stop.CancelAsync();
        await running;
        return (elapsed, withView);
    }

    private static long Retained()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
