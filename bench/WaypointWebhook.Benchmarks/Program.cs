using BenchmarkDotNet.Running;
using WaypointWebhook.Benchmarks;

// dotnet run -c Release --project bench/WaypointWebhook.Benchmarks -- <verb>
//   micro                 BenchmarkDotNet: decode + policy + encode, allocations per request
//   load [seconds] [conn] [rounds] [name=WaypointWebhook.dll ...]
//                         the webhook (and other builds of it, for A/B) and the null baseline over HTTPS, driven by wrk
//   sync                  the live cluster view's initial sync: 10,000 and 50,000 namespaces, 2,000 Gateways
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
    case "sync":
        await SyncBenchmark.RunAsync([10_000, 50_000], 2_000);
        return 0;
    case "null-server":
        await NullServer.RunAsync(int.Parse(Option("--port")), Option("--tls-cert-file"), Option("--tls-private-key-file"));
        return 0;
    default:
        Console.Error.WriteLine("usage: WaypointWebhook.Benchmarks micro | load [seconds] [connections] [rounds] [name=WaypointWebhook.dll ...] | sync");
        return 2;
}

string Option(string name) => args[Array.IndexOf(args, name) + 1];
