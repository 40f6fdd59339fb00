using BenchmarkDotNet.Running;
using WaypointWebhook.Benchmarks;

// dotnet run -c Release --project bench/WaypointWebhook.Benchmarks -- <verb>
//   micro                 BenchmarkDotNet: decode + policy + encode, allocations per request
//   load [seconds] [conn] [rounds] [name=WaypointWebhook.dll ...]
//                         the webhook (and other builds of it, for A/B) and the null baseline over HTTPS, driven by wrk
//   sync                  the live cluster view's initial sync: 10,000 and 50,000 namespaces, 2,000 Gateways
//   sync consumers        the same with the consumer index: 100,000 Pods, 10,000 Services; retained heap with and without, churn
//   reverse [pods] [rounds] [churn-events]
//                         the reverse check of a Gateway with 10,000 Pod consumers, an audit pass, admissions under Pod churn
//   null-server ...       (internal) the baseline server the load verb starts
var verb = args.FirstOrDefault() ?? "help";
switch (verb)
{
    case "micro":
        BenchmarkRunner.Run<MicroBenchmarks>(args: args[1..]);
        return 0;
    case "load":
        return await LoadBenchmark.RunAsync(
            args.Length > 1 ? int.Parse(args[1]) : 10,
            args.Length > 2 ? int.Parse(args[2]) : 16,
            args.Length > 3 ? int.Parse(args[3]) : 3,
            [.. args.Skip(4).Select(a => (a[..a.IndexOf('=')], Path.GetFullPath(a[(a.IndexOf('=') + 1)..])))]);
    case "sync" when args.Length > 1 && args[1] == "consumers":
        await SyncBenchmark.RunConsumersAsync();
        return 0;
    case "sync":
        await SyncBenchmark.RunAsync([10_000, 50_000], 2_000);
        return 0;
    case "reverse":
        return await ReverseBenchmark.RunAsync(args[1..]);
    case "null-server":
        await NullServer.RunAsync(int.Parse(Option("--port")), Option("--tls-cert-file"), Option("--tls-private-key-file"));
        return 0;
    default:
        Console.Error.WriteLine("usage: WaypointWebhook.Benchmarks micro | load [seconds] [connections] [rounds] [name=WaypointWebhook.dll ...] | sync [consumers] | reverse [pods] [rounds] [churn-events]");
        return 2;
}

string Option(string name) => args[Array.IndexOf(args, name) + 1];
