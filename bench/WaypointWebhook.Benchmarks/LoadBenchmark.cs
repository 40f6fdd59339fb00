using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using WaypointWebhook.Testing;

namespace WaypointWebhook.Benchmarks;

/// <summary>
/// The webhook (and any other builds of it named on the command line) and the null baseline, each in its
/// own process over HTTPS on loopback, driven in turn by wrk with the same 3 KB Pod review, in interleaved
/// rounds; prints per-round throughput ratios, their medians and spread, latency percentiles and peak RSS.
/// </summary>
public static partial class LoadBenchmark
{
    /// <param name="variants">Extra webhook builds to compare in the same run (name=path/to/WaypointWebhook.dll); the build beside this one is always "webhook".</param>
    public static async Task<int> RunAsync(int seconds, int connections, int rounds, IReadOnlyList<(string Name, string Dll)> variants)
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

        // Every server in its own process, started the same way; the null baseline first.
        var servers = new List<Server>();
        try
        {
            var baselinePort = FreePorts.Next();
            servers.Add(new Server("null", baselinePort, ProcessRunner.StartDrained("dotnet", Path.Combine(AppContext.BaseDirectory, "WaypointWebhook.Benchmarks.dll"), "null-server", "--port", baselinePort.ToString(),
                "--tls-cert-file", certificate, "--tls-private-key-file", key)));
            foreach (var (name, dll) in variants.Prepend(("webhook", Path.Combine(AppContext.BaseDirectory, "WaypointWebhook.dll"))))
            {
                var port = FreePorts.Next();
                servers.Add(new Server(name, port, ProcessRunner.StartDrained("dotnet", dll, "serve", "--cluster-state", state, "--port", port.ToString(), "--health-port", FreePorts.Next().ToString(),
                    "--tls-cert-file", certificate, "--tls-private-key-file", key)));
            }

            foreach (var server in servers)
            {
                await WaitForPort(server.Port);
            }

            Console.WriteLine($"cluster state: {BenchData.Namespaces} namespaces, {BenchData.Gateways} waypoint Gateways; body {new FileInfo(bodies["allowed"]).Length} bytes; wrk -t2 -c{connections} -d{seconds}s; {rounds} rounds, servers interleaved");
            Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");

            // Warm-up: JIT, TLS session setup, pools.
            foreach (var server in servers)
            {
                Wrk(script, bodies["denied"], server.Port, 2, connections);
                Wrk(script, bodies["allowed"], server.Port, 2, connections);
            }

            // Each round runs every server on each body once, in an order rotated per round, so a slow
            // moment of the shared machine falls on a different server each time; ratios are per round.
            var results = new Dictionary<(string Body, string Server), List<Measured>>();
            for (var round = 0; round < rounds; round++)
            {
                foreach (var (name, body) in bodies)
                {
                    for (var i = 0; i < servers.Count; i++)
                    {
                        var server = servers[(i + round) % servers.Count];
                        var cpu = CpuSeconds(server.Process.Id);
                        var run = Wrk(script, body, server.Port, seconds, connections);
                        cpu = CpuSeconds(server.Process.Id) - cpu;
                        if (run.Errors > 0)
                        {
                            Console.WriteLine($"  ({server.Name}, {name}, round {round + 1}: {run.Errors} non-2xx or socket errors)");
                        }

                        var key2 = (name, server.Name);
                        if (!results.TryGetValue(key2, out var list))
                        {
                            results[key2] = list = [];
                        }

                        list.Add(new Measured(run, cpu / (run.Rps * seconds) * 1e6));
                    }
                }

                Console.WriteLine($"round {round + 1}: " + string.Join("; ", bodies.Keys.SelectMany(b => servers.Skip(1).Select(s => $"{s.Name} {b} {results[(b, s.Name)][round].Run.Rps / results[(b, "null")][round].Run.Rps:F2}"))));
            }

            Console.WriteLine();
            Console.WriteLine("| request | server | null req/s | req/s | ratio (median, min-max of rounds) | p50 | p99 | null p99 | p99 ratio | CPU per request (server / null) |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
            foreach (var name in bodies.Keys)
            {
                var baseline = results[(name, "null")];
                foreach (var server in servers.Skip(1))
                {
                    var measured = results[(name, server.Name)];
                    var ratios = measured.Select((m, r) => m.Run.Rps / baseline[r].Run.Rps).ToList();
                    var p99Ratios = measured.Select((m, r) => m.Run.P99Ms / baseline[r].Run.P99Ms).ToList();
                    Console.WriteLine(
                        $"| {name} | {server.Name} | {Median(baseline.Select(m => m.Run.Rps)):F0} | {Median(measured.Select(m => m.Run.Rps)):F0} | {Median(ratios):F2} ({ratios.Min():F2}-{ratios.Max():F2}) | "
                        + $"{Median(measured.Select(m => m.Run.P50Ms)):F2} ms | {Median(measured.Select(m => m.Run.P99Ms)):F2} ms | {Median(baseline.Select(m => m.Run.P99Ms)):F2} ms | {Median(p99Ratios):F2} | "
                        + $"{Median(measured.Select(m => m.CpuMicros)):F0} µs / {Median(baseline.Select(m => m.CpuMicros)):F0} µs |");
                }
            }

            Console.WriteLine();
            Console.WriteLine("peak RSS: " + string.Join(", ", servers.Select(s => $"{s.Name} {PeakRssMb(s.Process.Id):F0} MB")));
            return 0;
        }
        finally
        {
            foreach (var server in servers)
            {
                server.Process.Kill(entireProcessTree: true);
                server.Process.Dispose();
            }

            Directory.Delete(work, recursive: true);
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private sealed record Server(string Name, int Port, Process Process);

    private sealed record Measured(WrkResult Run, double CpuMicros);

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
