using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using WaypointWebhook.Testing;

namespace WaypointWebhook.Benchmarks;

/// <summary>
/// The webhook and the null baseline, each in its own process over HTTPS on loopback, driven in turn
/// by wrk with the same 3 KB Pod review; prints throughput ratios, latency percentiles and peak RSS.
/// </summary>
public static partial class LoadBenchmark
{
    public static async Task<int> RunAsync(int seconds, int connections)
    {
        if (!File.Exists("/usr/bin/wrk") && Which("wrk") is null)
        {
            Console.Error.WriteLine("wrk is required: apt-get install -y wrk");
            return 2;
        }

        var work = Directory.CreateTempSubdirectory("waypoint-bench-load-").FullName;
        var state = BenchData.WriteClusterState(Path.Combine(work, "state"));
        ProcessRunner.RunOk("bash", Path.Combine(RepoPaths.Root, "certs", "make-certs.sh"), "--out", Path.Combine(work, "certs"));
        var certificate = Path.Combine(work, "certs", "tls.crt");
        var key = Path.Combine(work, "certs", "tls.key");
        var bodies = new Dictionary<string, string>
        {
            ["allowed"] = Path.Combine(work, "allowed.json"),
            ["denied"] = Path.Combine(work, "denied.json"),
        };
        File.WriteAllBytes(bodies["allowed"], BenchData.PodReview(denied: false));
        File.WriteAllBytes(bodies["denied"], BenchData.PodReview(denied: true));
        var script = Path.Combine(work, "post.lua");
        File.WriteAllText(script, """
            wrk.method = "POST"
            wrk.headers["Content-Type"] = "application/json"
            local f = io.open(os.getenv("BODY_FILE"), "rb")
            wrk.body = f:read("*a")
            f:close()
            """);

        var webhookPort = FreePorts.Next();
        var baselinePort = FreePorts.Next();
        var dll = Path.Combine(AppContext.BaseDirectory, "WaypointWebhook.dll");
        using var webhook = ProcessRunner.StartDrained("dotnet", dll, "serve", "--cluster-state", state, "--port", webhookPort.ToString(), "--health-port", FreePorts.Next().ToString(),
            "--tls-cert-file", certificate, "--tls-private-key-file", key);
        using var baseline = ProcessRunner.StartDrained("dotnet", Path.Combine(AppContext.BaseDirectory, "WaypointWebhook.Benchmarks.dll"), "null-server", "--port", baselinePort.ToString(),
            "--tls-cert-file", certificate, "--tls-private-key-file", key);
        try
        {
            await WaitForPort(webhookPort);
            await WaitForPort(baselinePort);
            Console.WriteLine($"cluster state: {BenchData.Namespaces} namespaces, {BenchData.Gateways} waypoint Gateways; body {new FileInfo(bodies["allowed"]).Length} bytes; wrk -t2 -c{connections} -d{seconds}s");
            Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");

            // Warm-up: JIT, TLS session setup, pools.
            foreach (var port in new[] { baselinePort, webhookPort })
            {
                Wrk(script, bodies["denied"], port, 2, connections);
                Wrk(script, bodies["allowed"], port, 2, connections);
            }

            Console.WriteLine();
            Console.WriteLine("| request | null baseline req/s | webhook req/s | ratio | webhook p50 | webhook p99 | baseline p99 | server CPU per request (webhook / baseline) |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|");
            foreach (var (name, body) in bodies)
            {
                var nullCpu = CpuSeconds(baseline.Id);
                var nullRun = Wrk(script, body, baselinePort, seconds, connections);
                nullCpu = CpuSeconds(baseline.Id) - nullCpu;
                var cpu = CpuSeconds(webhook.Id);
                var run = Wrk(script, body, webhookPort, seconds, connections);
                cpu = CpuSeconds(webhook.Id) - cpu;
                var perRequest = cpu / (run.Rps * seconds) * 1e6;
                var nullPerRequest = nullCpu / (nullRun.Rps * seconds) * 1e6;
                Console.WriteLine($"| {name} | {nullRun.Rps:F0} | {run.Rps:F0} | {run.Rps / nullRun.Rps:F2} | {run.P50Ms:F2} ms | {run.P99Ms:F2} ms | {nullRun.P99Ms:F2} ms | {perRequest:F0} µs / {nullPerRequest:F0} µs |");
                if (run.Errors > 0 || nullRun.Errors > 0)
                {
                    Console.WriteLine($"  (non-2xx or socket errors: webhook {run.Errors}, baseline {nullRun.Errors})");
                }
            }

            Console.WriteLine();
            Console.WriteLine($"peak RSS: webhook {PeakRssMb(webhook.Id):F0} MB, null baseline {PeakRssMb(baseline.Id):F0} MB");
            return 0;
        }
        finally
        {
            webhook.Kill(entireProcessTree: true);
            baseline.Kill(entireProcessTree: true);
            Directory.Delete(work, recursive: true);
        }
    }

    private sealed record WrkResult(double Rps, double P50Ms, double P99Ms, long Errors);

    private static WrkResult Wrk(string script, string body, int port, int seconds, int connections)
    {
        var output = ProcessRunner.Run(
            "wrk",
            ["-t2", $"-c{connections}", $"-d{seconds}s", "--latency", "-s", script, $"https://127.0.0.1:{port}/validate"],
            env: new Dictionary<string, string> { ["BODY_FILE"] = body },
            timeout: TimeSpan.FromSeconds(seconds + 60)).Output;
        var rps = double.Parse(RequestsPerSecond().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        var errors = NonSuccess().Match(output) is { Success: true } m ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        errors += SocketErrors().Match(output) is { Success: true } s ? s.Groups.Cast<Group>().Skip(1).Sum(g => long.Parse(g.Value, CultureInfo.InvariantCulture)) : 0;
        return new WrkResult(rps, Percentile(output, "50%"), Percentile(output, "99%"), errors);
    }

    private static double Percentile(string output, string label)
    {
        var match = Regex.Match(output, $@"^\s*{Regex.Escape(label)}\s+([\d.]+)(us|ms|s)\s*$", RegexOptions.Multiline);
        var value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch { "us" => value / 1000, "s" => value * 1000, _ => value };
    }

    /// <summary>User plus system CPU time of a process, from /proc (clock ticks of 1/100 s).</summary>
    private static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    private static double PeakRssMb(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }

    private static async Task WaitForPort(int port)
    {
        async Task<bool> Listening()
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }

        if (!await Eventually.Holds(Listening, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(200)))
        {
            throw new TimeoutException($"nothing listens on {port}");
        }
    }

    private static string? Which(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Select(p => Path.Combine(p, name)).FirstOrDefault(File.Exists);

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex NonSuccess();

    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")]
    private static partial Regex SocketErrors();
}
