using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using WaypointWebhook.Admission;
using WaypointWebhook.Cluster;
using WaypointWebhook.Policy;
using WaypointWebhook.Policy.Configuration;
using WaypointWebhook.Testing;

namespace WaypointWebhook.Benchmarks;

/// <summary>
/// One admission without HTTP: decode the 3 KB Pod review, evaluate the policy against the generated
/// cluster (10,000 namespaces, 2,000 waypoints), encode the answer. Allocations per request come from here.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 8)]
public class MicroBenchmarks
{
    private AdmissionHandler handler = null!;
    private ReadOnlySequence<byte> allowed;
    private ReadOnlySequence<byte> denied;
    private readonly ArrayBufferWriter<byte> output = new(4096);

    [GlobalSetup]
    public void Setup()
    {
        var dir = Path.Combine(Path.GetTempPath(), "waypoint-bench-micro");
        var state = BenchData.WriteClusterState(dir);
        handler = new AdmissionHandler(new WaypointPolicy(new PolicyOptions()), ExampleViews.Source(state));
        allowed = new ReadOnlySequence<byte>(BenchData.PodReview(denied: false));
        denied = new ReadOnlySequence<byte>(BenchData.PodReview(denied: true));
    }

    [Benchmark(Baseline = true)]
    public int DecodeOnly()
    {
        var reader = new Utf8JsonReader(allowed);
        return JsonSerializer.Deserialize(ref reader, WireJsonContext.Default.AdmissionReviewRequest)!.Request!.Uid!.Length;
    }

    [Benchmark]
    public int Allowed() => Encode(handler.HandleAsync(allowed, AdmissionEndpoint.Validate, CancellationToken.None).Result);

    [Benchmark]
    public int Denied() => Encode(handler.HandleAsync(denied, AdmissionEndpoint.Validate, CancellationToken.None).Result);

    private int Encode(AdmissionOutcome outcome)
    {
        output.ResetWrittenCount();
        using var writer = new Utf8JsonWriter(output);
        JsonSerializer.Serialize(writer, ((Answered)outcome).Review, WireJsonContext.Default.AdmissionReviewResponse);
        return output.WrittenCount;
    }
}
