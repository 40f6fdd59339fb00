using System.Diagnostics.Metrics;
using WaypointWebhook.Admission;
using WaypointWebhook.Cluster;

namespace WaypointWebhook.Hosting;

/// <summary>
/// The webhook's instruments (System.Diagnostics.Metrics), exported in Prometheus format on the health
/// port at <c>/metrics</c> by prometheus-net's meter adapter.
/// </summary>
public sealed class WebhookMetrics : IAdmissionObserver, IDisposable
{
    public const string MeterName = "waypoint_webhook";
    public const string DurationName = "admission_duration_seconds";

    /// <summary>0.1 ms to 10 s: a webhook answer is sub-millisecond; the API server gives up at its timeout.</summary>
    public static readonly double[] DurationBuckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Meter meter = new(MeterName);
    private readonly TaggedCounter requests;
    private readonly TaggedCounter findings;
    private readonly TaggedCounter patches;
    private readonly TaggedCounter badRequests;
    private readonly Histogram<double> duration;

    public WebhookMetrics(IClusterViewSource viewSource, ServingCertificate certificate, TimeProvider clock)
    {
        requests = new TaggedCounter(meter, "admission_requests", "Admission requests answered, by endpoint, kind, operation, verdict and dry run.", "endpoint", "kind", "operation", "verdict", "dry_run");
        findings = new TaggedCounter(meter, "admission_findings", "Findings returned, by endpoint, kind, operation, reason code and verdict.", "endpoint", "kind", "operation", "reason", "verdict");
        patches = new TaggedCounter(meter, "patches", "JSON patches returned by the mutating endpoint, by kind.", "kind");
        badRequests = new TaggedCounter(meter, "bad_requests", "Requests that were not a usable AdmissionReview, by endpoint and cause.", "endpoint", "cause");
        duration = meter.CreateHistogram<double>(DurationName, unit: "s", description: "Time from the request body read to the answer written.");
        meter.CreateObservableGauge("cluster_objects", () => viewSource.Resources.Select(r => new Measurement<long>(r.Count, new KeyValuePair<string, object?>("resource", r.Resource))), description: "Objects in the cluster view, by resource.");
        meter.CreateObservableGauge(
            "cluster_last_event_age_seconds",
            () => viewSource.Resources.Where(r => r.LastEvent is not null).Select(r => new Measurement<double>((clock.GetUtcNow() - r.LastEvent.GetValueOrDefault()).TotalSeconds, new KeyValuePair<string, object?>("resource", r.Resource))),
            description: "Seconds since the live cluster view last heard from the API server (list, event or bookmark), by resource.");
        meter.CreateObservableGauge(
            "certificate_expiry_seconds",
            () => certificate.Current is { } current ? [new Measurement<double>((current.NotAfter.ToUniversalTime() - clock.GetUtcNow().UtcDateTime).TotalSeconds)] : Array.Empty<Measurement<double>>(),
            description: "Seconds until the serving certificate expires (negative: expired).");
    }

    public void Record(AdmissionEndpoint endpoint, AdmissionOutcome outcome, TimeSpan elapsed)
    {
        var endpointName = endpoint == AdmissionEndpoint.Validate ? "validate" : "mutate";
        switch (outcome)
        {
            case Answered answered:
                var kind = KindLabel(answered.Request.Kind);
                var operation = OperationLabel(answered.Request.Operation);
                requests.Add(endpointName, kind, operation, answered.Verdict, answered.Request.DryRun ? "true" : "false");
                foreach (var finding in answered.Denials)
                {
                    findings.Add(endpointName, kind, operation, ReasonLabel(finding.Reason), "denied");
                }

                foreach (var finding in answered.Warnings)
                {
                    findings.Add(endpointName, kind, operation, ReasonLabel(finding.Reason), "warned");
                }

                if (answered.Patched)
                {
                    patches.Add(kind);
                }

                duration.Record(elapsed.TotalSeconds, new("endpoint", endpointName), new("verdict", answered.Verdict));
                break;
            case Refused bad:
                badRequests.Add(endpointName, CauseNames[(int)bad.Cause]);
                duration.Record(elapsed.TotalSeconds, new("endpoint", endpointName), new("verdict", "bad_request"));
                break;
        }
    }

    private static readonly string[] CauseNames = Enum.GetNames<RefusalCause>();

    /// <summary>Label values never come from the client as they are: a series per value kept forever would let requests grow the scrape without bound.</summary>
    public const string OtherLabel = "other";

    private static readonly HashSet<string> KindNames = new(Objects.HandledKinds.All.Select(k => k.Kind), StringComparer.Ordinal);

    private static readonly HashSet<string> OperationNames = new(["CREATE", "UPDATE", "DELETE", "CONNECT"], StringComparer.Ordinal);

    /// <summary>A handled kind, else <c>other</c> (unknown kinds are allowed unread; their names are the client's).</summary>
    public static string KindLabel(string? kind) => kind is not null && KindNames.TryGetValue(kind, out var known) ? known : OtherLabel;

    public static string OperationLabel(string? operation) => operation is not null && OperationNames.TryGetValue(operation, out var known) ? known : OtherLabel;

    /// <summary>Reason codes are the policy's constants; anything else (never expected) is <c>other</c>.</summary>
    public static string ReasonLabel(string reason) =>
        reason.Length is > 0 and <= 48 && reason.AsSpan().IndexOfAnyExceptInRange('A', 'z') < 0 && !reason.AsSpan().ContainsAny("[\\]^_`") ? reason : OtherLabel;

    public void Dispose() => meter.Dispose();
}
