using System.Buffers;
using System.Text.Json;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Serilog;
using Serilog.Extensions.Logging;
using WaypointWebhook.Admission;
using WaypointWebhook.Cluster;
using WaypointWebhook.Hosting;
using WaypointWebhook.Policy;
using WaypointWebhook.Policy.Configuration;
using WaypointWebhook.Policy.Messages;
using WaypointWebhook.Policy.Model;
using WaypointWebhook.Settings;
using WaypointWebhook.Testing;

namespace WaypointWebhook.Benchmarks;

/// <summary>
/// One admission without HTTP: decode the 3 KB Pod review, evaluate the policy against the generated
/// cluster (10,000 namespaces, 2,000 waypoints), encode the answer. Allocations per request come from here.
/// Then the parts of a denial's cost beside the policy, each alone: its message, its log event (Serilog with
/// the server's formatter, written synchronously to a null writer, so the background worker's formatting is
/// counted too), and recording it in the metrics.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 8)]
public class MicroBenchmarks
{
    private AdmissionHandler handler = null!;
    private ReadOnlySequence<byte> allowed;
    private ReadOnlySequence<byte> denied;
    private readonly ArrayBufferWriter<byte> output = new(4096);
    private Answered deniedOutcome = null!;
    private IReadOnlyList<Finding> denials = [];
    private AdmissionLog log = null!;
    private WebhookMetrics metrics = null!;

    [GlobalSetup]
    public void Setup()
    {
        var dir = Path.Combine(Path.GetTempPath(), "waypoint-bench-micro");
        var state = BenchData.WriteClusterState(dir);
        handler = new AdmissionHandler(new WaypointPolicy(new PolicyOptions()), ExampleViews.Source(state));
        allowed = new ReadOnlySequence<byte>(BenchData.PodReview(denied: false));
        denied = new ReadOnlySequence<byte>(BenchData.PodReview(denied: true));
        deniedOutcome = (Answered)handler.HandleAsync(denied, AdmissionEndpoint.Validate, CancellationToken.None).Result;
        denials = deniedOutcome.Denials;

        var settings = new WebhookSettings();
        var serilog = new LoggerConfiguration().MinimumLevel.Information().WriteTo.Sink(new FormattedToNull(Logging.Formatter(settings))).CreateLogger();
        log = new AdmissionLog(new SerilogLoggerFactory(serilog).CreateLogger<AdmissionLog>(), TimeProvider.System);
        var certificates = Path.Combine(dir, "certs");
        ProcessRunner.RunOk("bash", Path.Combine(RepoPaths.Root, "certs", "make-certs.sh"), "--out", certificates);
        var certificate = new ServingCertificate(Path.Combine(certificates, "tls.crt"), Path.Combine(certificates, "tls.key"));
        certificate.Load();
        metrics = new WebhookMetrics(ExampleViews.Source(state), certificate, shutdown: null, new FakeTimeProvider());
    }

    [Benchmark]
    public int DenyMessage() => AdmissionMessages.DenyMessage(denials).Length;

    /// <summary>The deny message as built before its fast path: every piece through SafeText's text-element walk.</summary>
    [Benchmark]
    public int DenyMessageThroughSafeText()
    {
        var message = new StringBuilder();
        foreach (var finding in denials)
        {
            message.Append('[');
            SafeText.Append(message, finding.Reason, 64);
            message.Append("] ");
            SafeText.Append(message, finding.Message, AdmissionMessages.MaxDenialLength - 3 - finding.Reason.Length);
        }

        return Encoding.UTF8.GetByteCount(message.ToString());
    }

    [Benchmark]
    public void LogDenial() => log.Record(AdmissionEndpoint.Validate, deniedOutcome, TimeSpan.FromMilliseconds(0.4));

    [Benchmark]
    public void RecordDenialMetrics() => metrics.Record(AdmissionEndpoint.Validate, deniedOutcome, TimeSpan.FromMilliseconds(0.4));

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

    private sealed class FormattedToNull(Serilog.Formatting.ITextFormatter formatter) : Serilog.Core.ILogEventSink
    {
        public void Emit(Serilog.Events.LogEvent logEvent) => formatter.Format(logEvent, TextWriter.Null);
    }
}
