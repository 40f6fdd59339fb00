using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using WaypointWebhook.Admission;
using WaypointWebhook.Audit;
using WaypointWebhook.Cluster;
using WaypointWebhook.Objects;
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
        // REVERSE_BENCH_ONLY=reverse|audit|churn runs one of the three.
        var only = Environment.GetEnvironmentVariable("REVERSE_BENCH_ONLY");
        if (only is null or "reverse")
        {
            ReverseCheck(10_000);
        }

        if (only is null or "audit")
        {
            Audit(auditPods);
        }

        if (only is null or "churn")
        {
            await ChurnAsync(churnPods, seconds);
        }
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
        var processor = Process.GetCurrentProcess().TotalProcessorTime;
        var samples = Measure(300, () => handler.HandleAsync(body, AdmissionEndpoint.Validate, CancellationToken.None).AsTask().Wait());
        var cpuPerAdmission = (Process.GetCurrentProcess().TotalProcessorTime - processor).TotalMilliseconds / 320;
        var policy = new WaypointPolicy(new PolicyOptions());
        var update = SubjectReader.Read(HandledKinds.Gateway, KubeObjectOf(GatewayUpdate(ns), "object"), ns, "waypoint");
        var before = SubjectReader.Read(HandledKinds.Gateway, KubeObjectOf(GatewayUpdate(ns), "oldObject"), ns, "waypoint");
        var policyOnly = Measure(300, () => policy.Review(Operation.Update, update, before, snapshot));

        Console.WriteLine($"reverse check: Gateway {ns}/waypoint all -> service, {pods:N0} Pod consumers, {snapshot.Consumers.Count:N0} consumers indexed");
        Console.WriteLine($"  warning: {outcome.Review.Response.Warnings?.FirstOrDefault()}");
        Console.WriteLine($"  median {Percentile(samples, 0.5):F2} ms, p99 {Percentile(samples, 0.99):F2} ms, max {samples[^1]:F2} ms over {samples.Length} admissions (limit 50 ms); CPU {cpuPerAdmission:F2} ms per admission");
        Console.WriteLine($"  of which policy.Review alone: median {Percentile(policyOnly, 0.5):F2} ms, p99 {Percentile(policyOnly, 0.99):F2} ms");
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

        // The policy's share: the rest is sorting and counting (AuditResult).
        var policyCpu = new List<double>();
        for (var run = 0; run < 5; run++)
        {
            GC.Collect();
            var processor = Process.GetCurrentProcess().TotalProcessorTime;
            GC.KeepAlive(policy.Audit(snapshot));
            policyCpu.Add((Process.GetCurrentProcess().TotalProcessorTime - processor).TotalMilliseconds);
        }

        policyCpu.Sort();
        cpu.Sort();
        wall.Sort();
        Console.WriteLine($"audit pass: {snapshot.Consumers.Count:N0} consumers ({pods:N0} Pods), {unbound:N0} unbound");
        Console.WriteLine($"  CPU median {cpu[2]:F0} ms, max {cpu[^1]:F0} ms; wall median {wall[2]:F0} ms over 5 passes (limit 1,000 ms CPU); policy.Audit alone: CPU median {policyCpu[2]:F0} ms");
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

        // The fake API server's own cost, before anything watches: what the churn costs this process without the webhook.
        using (var alone = new CancellationTokenSource(TimeSpan.FromSeconds(2)))
        {
            var processor = Process.GetCurrentProcess().TotalProcessorTime;
            var applied = Churn(api, namespaces, alone.Token);
            Console.WriteLine($"churn: the fake API server alone applies {applied / 2.0:F0} Pod events/s for {(Process.GetCurrentProcess().TotalProcessorTime - processor).TotalMilliseconds / 2000:P0} of a core");
        }

        // The webhook in its own process, as deployed: the churn's API-server side (storing, encoding, the watch
        // streams) runs here, the webhook pays only for what it does with the events.
        var port = FreePorts.Next();
        var healthPort = FreePorts.Next();
        using var webhook = ProcessRunner.StartDrained(
            "dotnet", Path.Combine(AppContext.BaseDirectory, "WaypointWebhook.dll"), "serve", "--kubeconfig", api.Kubeconfig(),
            "--port", port.ToString(CultureInfo.InvariantCulture), "--health-port", healthPort.ToString(CultureInfo.InvariantCulture),
            "--tls-cert-file", Path.Combine(work, "certs", "tls.crt"), "--tls-private-key-file", Path.Combine(work, "certs", "tls.key"),
            "--Webhook:AuditIntervalSeconds=1", "--Webhook:LogLevel=Warning");
        try
        {
            using var http = new HttpClient(new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } });
            var unbound = new Uri($"http://127.0.0.1:{healthPort}/unbound");
            await Eventually.Until(() => Ok(http, unbound), "the webhook's first audit pass", TimeSpan.FromMinutes(5), TimeSpan.FromMilliseconds(100));
            var consumers = JsonNode.Parse(await http.GetStringAsync(unbound))!["consumers"];
            Console.WriteLine($"churn: the webhook (own process) synced {consumers} consumers from the fake API server, first audit pass done");

            // wrk drives the admissions from its own process (two connections, closed loop), so neither the
            // churn's API-server work nor a .NET client's scheduling is in the latency it measures.
            var body = Path.Combine(work, "review.json");
            File.WriteAllBytes(body, BenchData.PodReview(denied: false));
            var script = Path.Combine(work, "post.lua");
            File.WriteAllText(script, "wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\nlocal f = io.open(os.getenv(\"BODY_FILE\"), \"rb\")\nwrk.body = f:read(\"*a\")\nf:close()\n");
            var metrics = new Uri($"http://127.0.0.1:{healthPort}/metrics");
            Wrk(script, body, port, 2); // warm-up
            var cpu = CpuMs(webhook);
            var buckets = await Buckets(http, metrics);
            var idle = Wrk(script, body, port, seconds);
            var idleCpu = CpuMs(webhook) - cpu;
            var idleServer = Percentile(buckets, await Buckets(http, metrics), 0.99);

            using var stop = new CancellationTokenSource();
            cpu = CpuMs(webhook);
            buckets = await Buckets(http, metrics);
            var churn = Task.Run(() => Churn(api, namespaces, stop.Token));
            var busy = Wrk(script, body, port, seconds);
            await stop.CancelAsync();
            var events = await churn;
            var busyCpu = CpuMs(webhook) - cpu;
            var busyServer = Percentile(buckets, await Buckets(http, metrics), 0.99);

            // The churn's own cost to the webhook: no admissions, only the events (and the audit they trigger).
            using var quiet = new CancellationTokenSource();
            cpu = CpuMs(webhook);
            var churnOnly = Task.Run(() => Churn(api, namespaces, quiet.Token));
            await Task.Delay(TimeSpan.FromSeconds(seconds));
            await quiet.CancelAsync();
            var quietEvents = await churnOnly;
            var churnCpu = CpuMs(webhook) - cpu;

            Console.WriteLine($"  idle:  {idle.Rps:F0} admissions/s, p50 {idle.P50:F2} ms, p99 {idle.P99:F2} ms (server side p99 <= {idleServer * 1000:G3} ms); webhook CPU {idleCpu / seconds / 10:F0}% of a core");
            Console.WriteLine($"  churn: {busy.Rps:F0} admissions/s, p50 {busy.P50:F2} ms, p99 {busy.P99:F2} ms (server side p99 <= {busyServer * 1000:G3} ms), {events / (double)seconds:F0} Pod events/s; webhook CPU {busyCpu / seconds / 10:F0}% of a core");
            Console.WriteLine($"  p99 ratio {busy.P99 / idle.P99:F2} (limit 1.5)");
            Console.WriteLine($"  churn alone: {quietEvents / (double)seconds:F0} Pod events/s cost the webhook {churnCpu / seconds / 10:F1}% of a core");
        }
        finally
        {
            webhook.Kill(entireProcessTree: true);
        }

        Directory.Delete(work, recursive: true);
    }

    private static async Task<bool> Ok(HttpClient http, Uri uri)
    {
        try
        {
            using var response = await http.GetAsync(uri);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>The webhook's admission duration histogram (validate, every verdict): cumulative count by upper bound.</summary>
    private static async Task<SortedDictionary<double, double>> Buckets(HttpClient http, Uri metrics)
    {
        var buckets = new SortedDictionary<double, double>();
        foreach (Match m in Regex.Matches(await http.GetStringAsync(metrics), @"^waypoint_webhook_admission_duration_seconds_bucket\{([^}]*)\} ([\d.eE+-]+)$", RegexOptions.Multiline))
        {
            if (!m.Groups[1].Value.Contains("endpoint=\"validate\"", StringComparison.Ordinal))
            {
                continue;
            }

            var le = Regex.Match(m.Groups[1].Value, "le=\"([^\"]+)\"").Groups[1].Value;
            var bound = le == "+Inf" ? double.PositiveInfinity : double.Parse(le, CultureInfo.InvariantCulture);
            buckets[bound] = buckets.GetValueOrDefault(bound) + double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        }

        return buckets;
    }

    /// <summary>The upper bound of the bucket holding the <paramref name="p"/> quantile of what was observed between two scrapes.</summary>
    private static double Percentile(SortedDictionary<double, double> before, SortedDictionary<double, double> after, double p)
    {
        var total = after.GetValueOrDefault(double.PositiveInfinity) - before.GetValueOrDefault(double.PositiveInfinity);
        foreach (var (bound, count) in after)
        {
            if (count - before.GetValueOrDefault(bound) >= p * total)
            {
                return bound;
            }
        }

        return double.PositiveInfinity;
    }

    private static double CpuMs(Process process)
    {
        process.Refresh();
        return process.TotalProcessorTime.TotalMilliseconds;
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

    /// <summary>wrk -t1 -c2 --latency for <paramref name="seconds"/>: requests per second, p50 and p99 in ms.</summary>
    private static (double Rps, double P50, double P99) Wrk(string script, string body, int port, int seconds)
    {
        var output = ProcessRunner.Run(
            "wrk",
            ["-t1", "-c2", $"-d{seconds}s", "--latency", "-s", script, $"https://127.0.0.1:{port}/validate"],
            env: new Dictionary<string, string> { ["BODY_FILE"] = body },
            timeout: TimeSpan.FromSeconds(seconds + 60)).Output;
        if (Environment.GetEnvironmentVariable("REVERSE_BENCH_WRK") is not null)
        {
            Console.WriteLine(output);
        }

        double Latency(string percentile)
        {
            var match = Regex.Match(output, $@"^\s*{Regex.Escape(percentile)}\s+([\d.]+)(us|ms|s)\s*$", RegexOptions.Multiline);
            var value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            return match.Groups[2].Value switch { "us" => value / 1000, "s" => value * 1000, _ => value };
        }

        var rps = double.Parse(Regex.Match(output, @"Requests/sec:\s+([\d.]+)").Groups[1].Value, CultureInfo.InvariantCulture);
        return (rps, Latency("50%"), Latency("99%"));
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

    private static KubeObject KubeObjectOf(byte[] review, string field) =>
        JsonSerializer.Deserialize(JsonNode.Parse(review)!["request"]![field]!.ToJsonString(), ObjectJsonContext.Default.KubeObject)!;

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
