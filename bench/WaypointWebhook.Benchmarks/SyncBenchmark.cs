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

            var (elapsed, withView, _) = await SyncAsync(api, _ => Task.CompletedTask);
            var withoutView = Retained();
            var lists = Lists(api);
            Console.WriteLine($"| {namespaces:N0} | {gateways:N0} | {elapsed.TotalMilliseconds:F0} ms | {lists} | {(withView - withoutView) / 1024.0 / 1024.0:F1} MB |");
        }
    }

    /// <summary>
    /// The consumer index at the scale: 100,000 labelled Pods, 10,000 Services, 10,000 Namespaces and
    /// 2,000 Gateways. The same view syncs the same cluster state without any consumer objects (what the view
    /// held before the index), so the difference in retained heap is the index's; then a churn of Pod events.
    /// The heap is measured with the fake API server gone (its 600 MB of stored objects and Kestrel's
    /// buffers would drown the view's few tens of MB) and the view stopped but alive, then without the view.
    /// </summary>
    public static async Task RunConsumersAsync(int pods = ConsumerData.Pods, int services = ConsumerData.Services, int churn = 10_000)
    {
        Console.WriteLine("| cluster | sync time (wall) | CPU during sync | list requests | retained by the view | per consumer |");
        Console.WriteLine("|---|---|---|---|---|---|");
        var bare = await MeasureAsync(api => ConsumerData.ApplyClusterState(api, BenchData.Namespaces, BenchData.Gateways), _ => Task.FromResult(TimeSpan.Zero));
        Console.WriteLine($"| {BenchData.Namespaces:N0} namespaces, {BenchData.Gateways:N0} gateways, no consumers | {bare.Elapsed.TotalMilliseconds:N0} ms | {bare.Cpu.TotalMilliseconds:N0} ms | {bare.Lists} | {bare.Retained / 1024.0 / 1024.0:F1} MB | |");

        var full = await MeasureAsync(
            api =>
            {
                ConsumerData.ApplyClusterState(api, BenchData.Namespaces, BenchData.Gateways);
                ConsumerData.ApplyConsumers(api, pods, services, BenchData.Gateways);
            },
            async (api, view) =>
            {
                // Churn: each event gives one Pod a canary label, through the label-selected watches.
                var clock = Stopwatch.StartNew();
                for (var i = 0; i < churn; i++)
                {
                    api.Apply(FakeWorkloads.Pods, FakeWorkloads.Pod(BenchData.Namespace(i % BenchData.Gateways), ConsumerData.PodName(i, BenchData.Gateways), ("istio.io/use-waypoint", "waypoint"), ("istio.io/use-waypoint-canary", $"c{i % 7}")));
                }

                var last = new Policy.Model.ObjectKey(BenchData.Namespace((churn - 1) % BenchData.Gateways), $"c{(churn - 1) % 7}");
                var lastName = ConsumerData.PodName(churn - 1, BenchData.Gateways);
                await Eventually.Until(() => view.Snapshot!.Consumers.Naming(last).Any(c => c.Object.Name == lastName), "the churn applied", TimeSpan.FromMinutes(5), TimeSpan.FromMilliseconds(1));
                return clock.Elapsed;
            });
        var index = full.Retained - bare.Retained;
        Console.WriteLine($"| + {pods:N0} Pods, {services:N0} Services naming waypoints ({full.Consumers:N0} consumers) | {full.Elapsed.TotalMilliseconds:N0} ms | {full.Cpu.TotalMilliseconds:N0} ms | {full.Lists} | {full.Retained / 1024.0 / 1024.0:F1} MB (index: +{index / 1024.0 / 1024.0:F1} MB) | {index / (double)full.Consumers:F0} B |");
        Console.WriteLine();
        Console.WriteLine($"Churn: {churn:N0} Pod MODIFIED events (the fake server's writes and streams included) reached the index in {full.Then.TotalMilliseconds:N0} ms ({full.Then.TotalMilliseconds * 1000 / churn:F0} µs per event, {churn / full.Then.TotalSeconds:N0} events/s).");
    }

    private sealed record Measured(TimeSpan Elapsed, TimeSpan Cpu, int Lists, long Retained, int Consumers, TimeSpan Then);

    private static Task<Measured> MeasureAsync(Action<FakeApiServer> fill, Func<LiveClusterView, Task<TimeSpan>> then) =>
        MeasureAsync(fill, (_, view) => then(view));

    private static async Task<Measured> MeasureAsync(Action<FakeApiServer> fill, Func<FakeApiServer, LiveClusterView, Task<TimeSpan>> then)
    {
        LiveClusterView view;
        TimeSpan elapsed, cpu, after;
        int lists;
        await using (var api = await FakeApiServer.StartAsync())
        {
            var setup = Stopwatch.StartNew();
            fill(api);
            Console.Error.WriteLine($"(fake API server filled in {setup.Elapsed.TotalSeconds:F1} s)");
            view = new LiveClusterView(api.Client(), new CacheTiming(), NullLoggerFactory.Instance);
            using var stop = new CancellationTokenSource();
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var running = view.RunAsync(stop.Token);
            await Eventually.Until(() => view.IsSynced, "the view's sync", TimeSpan.FromMinutes(5), TimeSpan.FromMilliseconds(5));
            elapsed = clock.Elapsed;
            cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
            lists = Lists(api);
            after = await then(api, view);
            await stop.CancelAsync();
            await running;
        }

        var withView = Retained();
        var consumers = view.Snapshot!.Consumers.Count;
        GC.KeepAlive(view);
        view = null!;
        return new Measured(elapsed, cpu, lists, withView - Retained(), consumers, after);
    }

    private static int Lists(FakeApiServer api) => api.Requests.Count(r => !r.Contains("watch=true"));

    /// <summary>
    /// Syncs a view and measures the heap while it is alive; the caller measures again once it is gone,
    /// so the difference is the view alone, whatever the fake API server holds or caches meanwhile.
    /// </summary>
    private static async Task<(TimeSpan Elapsed, long WithView, int Consumers)> SyncAsync(FakeApiServer api, Func<LiveClusterView, Task> then)
    {
        var view = new LiveClusterView(api.Client(), new CacheTiming(), NullLoggerFactory.Instance);
        using var stop = new CancellationTokenSource();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var running = view.RunAsync(stop.Token);
        await Eventually.Until(() => view.IsSynced, "the view's sync", TimeSpan.FromMinutes(5), TimeSpan.FromMilliseconds(5));

        var elapsed = clock.Elapsed;
        Console.Error.WriteLine($"(sync: {elapsed.TotalMilliseconds:F0} ms wall, {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds:F0} ms CPU of this process, the fake API server's included)");
        await then(view);
        var withView = Retained();
        var consumers = view.Snapshot!.Consumers.Count;
        GC.KeepAlive(view);
        await stop.CancelAsync();
        await running;
        return (elapsed, withView, consumers);
    }

    private static long Retained()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
