using System.Buffers;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Serilog;
using WaypointWebhook.Admission;
using WaypointWebhook.Audit;
using WaypointWebhook.Cluster;
using WaypointWebhook.Cluster.Live;
using WaypointWebhook.Hosting;
using WaypointWebhook.Policy;
using WaypointWebhook.Policy.Configuration;
using WaypointWebhook.Testing;
using static WaypointWebhook.Testing.FakeObjects;

namespace WaypointWebhook.Benchmarks;

/// <summary>
/// The limits of issue 14 on the request path and beside it: the reverse check of a Gateway narrowed from
/// <c>all</c> to <c>service</c> with 10,000 Pod consumers (through the <see cref="AdmissionHandler"/>); a full
/// audit pass over 100,000 Pods (CPU time); and the webhook's admission latency over HTTPS while the fake API
/// server's watch delivers 1,000 Pod events per second, against the same without churn.
/// </summary>
public static class ReverseBenchmark
{
    private const string Pods = "api/v1/pods";

    /// <param name="args"><c>[audit pods=100000] [churn seconds=10] [churn pods=20000]</c></param>
    public static async Task<int> RunAsync(string[] args)
    {
        var auditPods = args.Length > 0 ? int.Parse(args[0]) : 100_000;
        var seconds = args.Length > 1 ? int.Parse(args[1]) : 10;
        var churnPods = args.Length > 2 ? int.Parse(args[2]) : 20_000;
        if (Environment.GetEnvironmentVariable("REVERSE_BENCH_ONLY") is not "churn")
        {
            ReverseCheck(10_000);
            Audit(auditPods);
        }

        await ChurnAsync(churnPods, seconds);
        return 0;
    }

    /// <summary>Gateway UPDATE all → service of a waypoint with <paramref name="pods"/> Pods on it, among the 10,000-namespace cluster.</summary>
    private static void ReverseCheck(int pods)
    {
        var text = new StringBuilder(File.ReadAllText(BenchData.WriteClusterState(Path.Combine(Path.GetTempPath(), "waypoint-reverse-bench"))));
        var ns = BenchData.Namespace(1); // waypoint-for: all
        for (var i = 0; i < pods; i++)
        {
            text.Append($"---\napiVersion: v1\nkind: Pod\nmetadata: {{name: reviews-{i:D5}, namespace: {ns}, labels: {{istio.io/use-waypoint: waypoint, app: reviews}}}}\n");
        }

        var snapshot = ClusterSnapshot.From(ManifestReader.ReadText(text.ToString(), "bench"));
        var handler = new AdmissionHandler(new WaypointPolicy(new PolicyOptions()), new ManifestClusterViewSource(snapshot, ["bench"]));
        var body = new ReadOnlySequence<byte>(GatewayUpdate(ns));

        var outcome = (Answered)handler.HandleAsync(body, AdmissionEndpoint.Validate, CancellationToken.None).AsTask().Result;
        var samples = Measure(300, () => handler.HandleAsync(body, AdmissionEndpoint.Validate, CancellationToken.None).AsTask().Wait());

        Console.WriteLine($"reverse check: Gateway {ns}/waypoint all -> service, {pods:N0} Pod consumers, {snapshot.Consumers.Count:N0} consumers indexed");
        Console.WriteLine($"  warning: {outcome.Review.Response.Warnings?.FirstOrDefault()}");
        Console.WriteLine($"  median {Percentile(samples, 0.5):F2} ms, p99 {Percentile(samples, 0.99):F2} ms, max {samples[^1]:F2} ms over {samples.Length} admissions (limit 50 ms)");
    }

    /// <summary>A full audit pass over <paramref name="pods"/> Pods, half of them on service-only waypoints (unbound).</summary>
    private static void Audit(int pods)
    {
        var text = new StringBuilder(File.ReadAllText(BenchData.WriteClusterState(Path.Combine(Path.GetTempPath(), "waypoint-audit-bench"))));
        for (var i = 0; i < pods; i++)
        {
            text.Append($"---\napiVersion: v1\nkind: Pod\nmetadata: {{name: p-{i:D6}, namespace: {BenchData.Namespace(i % BenchData.Gateways)}, labels: {{istio.io/use-waypoint: waypoint}}}}\n");
        }

        var snapshot = ClusterSnapshot.From(ManifestReader.ReadText(text.ToString(), "bench"));
        var policy = new WaypointPolicy(new PolicyOptions());
        var unbound = AuditResult.Of(policy, snapshot).Items.Count; // warm-up: JIT, first touches
        var cpu = new List<double>();
        var wall = new List<double>();
        for (var run = 0; run < 5; run++)
        {
            GC.Collect();
            var processor = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            GC.KeepAlive(AuditResult.Of(policy, snapshot));
            wall.Add(clock.Elapsed.TotalMilliseconds);
            cpu.Add((Process.GetCurrentProcess().TotalProcessorTime - processor).TotalMilliseconds);
        }

        cpu.Sort();
        wall.Sort();
        Console.WriteLine($"audit pass: {snapshot.Consumers.Count:N0} consumers ({pods:N0} Pods), {unbound:N0} unbound");
        Console.WriteLine($"  CPU median {cpu[2]:F0} ms, max {cpu[^1]:F0} ms; wall median {wall[2]:F0} ms over 5 passes (limit 1,000 ms CPU)");
    }

    /// <summary>
    /// Admissions over HTTPS to the in-process server on a live view of the fake API server: <paramref name="seconds"/>
    /// idle, then as long with 1,000 Pod events per second (ADDED and DELETED of 2,000 churning Pods beside
    /// <paramref name="pods"/> stable ones), the audit re-judging at most once a second.
    /// </summary>
    private static async Task ChurnAsync(int pods, int seconds)
    {
        var work = Directory.CreateTempSubdirectory("waypoint-churn-bench-").FullName;
        ProcessRunner.RunOk("bash", Path.Combine(RepoPaths.Root, "certs", "make-certs.sh"), "--out", Path.Combine(work, "certs"));
        await using var api = await FakeApiServer.StartAsync();
        const int namespaces = 200;
        api.Apply(GatewayClasses, GatewayClass("istio-waypoint", "istio.io/mesh-controller"));
        for (var i = 0; i < namespaces; i++)
        {
            api.Apply(Namespaces, Namespace(BenchData.Namespace(i), ("istio.io/dataplane-mode", "ambient")));
            api.Apply(FakeObjects.Gateways, Gateway(BenchData.Namespace(i), "waypoint", i % 2 == 0 ? "service" : "all"));
        }

        for (var i = 0; i < pods; i++)
        {
            api.Apply(Pods, Pod(BenchData.Namespace(i % namespaces), $"stable-{i:D6}"));
        }

        var view = new LiveClusterView(api.Client(), new CacheTiming(), NullLoggerFactory.Instance);
        await using var webhook = await InProcessWebhook.StartAsync(
            Path.Combine(work, "certs", "tls.crt"),
            Path.Combine(work, "certs", "tls.key"),
            new Dictionary<string, string?> { ["AuditIntervalSeconds"] = "1", ["LogLevel"] = "Warning" },
            view,
            new LoggerConfiguration().MinimumLevel.Warning().WriteTo.Console().CreateLogger());
        var audit = webhook.App.Services.GetRequiredService<UnboundAudit>();
        await audit.FirstPass.WaitAsync(TimeSpan.FromMinutes(5));
        Console.WriteLine($"churn: {view.Current!.Consumers.Count:N0} consumers synced from the fake API server, first audit pass done");

        using var http = new HttpClient(new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } });
        var review = BenchData.PodReview(denied: false);
        var admission = new Uri($"https://127.0.0.1:{webhook.Port}");
        await Admissions(http, admission, review, TimeSpan.FromSeconds(2)); // warm-up
        var idle = await Admissions(http, admission, review, TimeSpan.FromSeconds(seconds));
        var passesBefore = audit.Passes;

        using var stop = new CancellationTokenSource();
        var churn = Task.Run(() => Churn(api, namespaces, stop.Token));
        var busy = await Admissions(http, admission, review, TimeSpan.FromSeconds(seconds));
        await stop.CancelAsync();
        var events = await churn;

        Console.WriteLine($"  idle:  {idle.Length:N0} admissions, p50 {Percentile(idle, 0.5):F2} ms, p99 {Percentile(idle, 0.99):F2} ms");
        Console.WriteLine($"  churn: {busy.Length:N0} admissions, p50 {Percentile(busy, 0.5):F2} ms, p99 {Percentile(busy, 0.99):F2} ms, {events / (double)seconds:F0} Pod events/s, {audit.Passes - passesBefore} audit passes");
        Console.WriteLine($"  p99 ratio {Percentile(busy, 0.99) / Percentile(idle, 0.99):F2} (limit 1.5)");
        Directory.Delete(work, recursive: true);
    }

    /// <summary>1,000 events a second, in steps of 10 ms: each adds a churning Pod that is absent or deletes one that is there.</summary>
    private static long Churn(FakeApiServer api, int namespaces, CancellationToken stop)
    {
        const int churning = 2_000;
        var present = new bool[churning];
        var clock = Stopwatch.StartNew();
        long events = 0;
        while (!stop.IsCancellationRequested)
        {
            var due = (long)(clock.Elapsed.TotalSeconds * 1000);
            for (; events < due; events++)
            {
                var k = (int)(events % churning);
                var ns = BenchData.Namespace(k % namespaces);
                if (present[k])
                {
                    api.Delete(Pods, ns, $"churn-{k:D5}");
                }
                else
                {
                    api.Apply(Pods, Pod(ns, $"churn-{k:D5}"));
                }

                present[k] = !present[k];
            }

            Thread.Sleep(10);
        }

        return events;
    }

    /// <summary>Four clients, each posting one review at a time with a 4 ms pause: a steady few hundred admissions a second.</summary>
    private static async Task<double[]> Admissions(HttpClient http, Uri admission, byte[] review, TimeSpan duration)
    {
        var until = Stopwatch.StartNew();
        var clients = Enumerable.Range(0, 4).Select(async _ =>
        {
            var samples = new List<double>();
            while (until.Elapsed < duration)
            {
                using var content = new ByteArrayContent(review);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                var started = Stopwatch.GetTimestamp();
                using var response = await http.PostAsync(new Uri(admission, "/validate"), content);
                await response.Content.ReadAsByteArrayAsync();
                samples.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                response.EnsureSuccessStatusCode();
                await Task.Delay(4);
            }

            return samples;
        }).ToArray();
        var all = (await Task.WhenAll(clients)).SelectMany(s => s).ToArray();
        Array.Sort(all);
        return all;
    }

    private static double[] Measure(int count, Action action)
    {
        for (var i = 0; i < 20; i++)
        {
            action();
        }

        var samples = new double[count];
        for (var i = 0; i < count; i++)
        {
            var started = Stopwatch.GetTimestamp();
            action();
            samples[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        Array.Sort(samples);
        return samples;
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static JsonObject Pod(string ns, string name) => new()
    {
        ["metadata"] = new JsonObject
        {
            ["name"] = name,
            ["namespace"] = ns,
            ["labels"] = new JsonObject { ["istio.io/use-waypoint"] = "waypoint", ["app"] = "bench" },
        },
        ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "app", ["image"] = "nginx" }) },
    };

    private static byte[] GatewayUpdate(string ns)
    {
        JsonObject Gateway(string waypointFor) => new()
        {
            ["apiVersion"] = "gateway.networking.k8s.io/v1",
            ["kind"] = "Gateway",
            ["metadata"] = new JsonObject { ["name"] = "waypoint", ["namespace"] = ns, ["labels"] = new JsonObject { ["istio.io/waypoint-for"] = waypointFor } },
            ["spec"] = new JsonObject
            {
                ["gatewayClassName"] = "istio-waypoint",
                ["listeners"] = new JsonArray(new JsonObject { ["name"] = "mesh", ["port"] = 15008, ["protocol"] = "HBONE", ["allowedRoutes"] = new JsonObject { ["namespaces"] = new JsonObject { ["from"] = "Same" } } }),
            },
            ["status"] = new JsonObject { ["addresses"] = new JsonArray(new JsonObject { ["type"] = "IPAddress", ["value"] = "10.1.0.1" }) },
        };

        var review = new JsonObject
        {
            ["apiVersion"] = "admission.k8s.io/v1",
            ["kind"] = "AdmissionReview",
            ["request"] = new JsonObject
            {
                ["uid"] = "bench",
                ["kind"] = new JsonObject { ["group"] = "gateway.networking.k8s.io", ["version"] = "v1", ["kind"] = "Gateway" },
                ["name"] = "waypoint",
                ["namespace"] = ns,
                ["operation"] = "UPDATE",
                ["object"] = Gateway("service"),
                ["oldObject"] = Gateway("all"),
            },
        };
        return Encoding.UTF8.GetBytes(review.ToJsonString());
    }
}
