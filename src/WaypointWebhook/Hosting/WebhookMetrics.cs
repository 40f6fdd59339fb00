using System.Diagnostics.Metrics;
using WaypointWebhook.Admission;
using WaypointWebhook.Cluster;

namespace WaypointWebhook.Hosting;

/// <summary>
/// The webhook's instruments (System.Diagnostics.Metrics), exported in Prometheus format on the health
/// port at <c>/metrics</c> by prometheus-net's meter adapter.
/// </summary>
public sealed class WebhookMetrics : IDisposable
{
    public const string MeterName = "waypoint_webhook";
    public const string DurationName = "admission_duration_seconds";

    /// <summary>0.1 ms to 10 s: a webhook answer is sub-millisecond; the API server gives up at its timeout.</summary>
    public static readonly double[] DurationBuckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Meter meter = new(MeterName);
    private readonly Counter<long> requests;
    private readonly Counter<long> findings;
    private readonly Counter<long> patches;
    private readonly Counter<long> badRequests;
    private readonly Histogram<double> duration;

    public WebhookMetrics(IClusterViewSource views, ServingCertificate certificate, TimeProvider clock)
    {
        requests = meter.CreateCounter<long>("admission_requests", description: "Admission requests answered, by endpoint, kind, operation, verdict and dry run.");
        findings = meter.CreateCounter<long>("admission_findings", description: "Findings returned, by endpoint, kind, operation, reason code and verdict.");
        patches = meter.CreateCounter<long>("patches", description: "JSON patches returned by the mutating endpoint.");
        badRequests = meter.CreateCounter<long>("bad_requests", description: "Requests that were not a usable AdmissionReview, by endpoint and cause.");
        duration = meter.CreateHistogram<double>(DurationName, unit: "s", description: "Time from the request body read to the answer written.");
        meter.CreateObservableGauge("cluster_objects", () => views.Resources.Select(r => new Measurement<long>(r.Count, new KeyValuePair<string, object?>("resource", r.Resource))), description: "Objects in the cluster view, by resource.");
        meter.CreateObservableGauge(
            "cluster_last_event_age_seconds",
            () => views.Resources.Where(r => r.LastEvent is not null).Select(r => new Measurement<double>((clock.GetUtcNow() - r.LastEvent!.Value).TotalSeconds, new KeyValuePair<string, object?>("resource", r.Resource))),
            description: "Seconds since the live cluster view last heard from the API server (list, event or bookmark), by resource.");
        meter.CreateObservableGauge(
            "certificate_expiry_seconds",
            () => certificate.Current is { } current ? [new Measurement<double>((current.NotAfter.ToUniversalTime() - clock.GetUtcNow().UtcDateTime).TotalSeconds)] : Array.Empty<Measurement<double>>(),
            description: "Seconds until the serving certificate expires (negative: expired).");
    }

    public void Record(AdmissionEndpoint endpoint, AdmissionOutcome outcome, TimeSpan elapsed)
    {
        var endpointTag = new KeyValuePair<string, object?>("endpoint", endpoint == AdmissionEndpoint.Validate ? "validate" : "mutate");
        switch (outcome)
        {
            case Answered answered:
                var kind = new KeyValuePair<string, object?>("kind", answered.Kind.Length == 0 ? "unknown" : answered.Kind);
                var operation = new KeyValuePair<string, object?>("operation", answered.Operation);
                requests.Add(1, endpointTag, kind, operation, new("verdict", answered.Verdict), new("dry_run", answered.DryRun ? "true" : "false"));
                foreach (var finding in answered.Denials)
                {
                    findings.Add(1, endpointTag, kind, operation, new("reason", finding.Reason), new("verdict", "denied"));
                }

                foreach (var finding in answered.Warnings)
                {
                    findings.Add(1, endpointTag, kind, operation, new("reason", finding.Reason), new("verdict", "warned"));
                }

                if (answered.Patched)
                {
                    patches.Add(1, kind);
                }

                duration.Record(elapsed.TotalSeconds, endpointTag, new("verdict", answered.Verdict));
                break;
            case BadRequest bad:
                badRequests.Add(1, endpointTag, new("cause", bad.Cause.ToString()));
                duration.Record(elapsed.TotalSeconds, endpointTag, new("verdict", "bad_request"));
                break;
        }
    }

    public void Dispose() => meter.Dispose();
}
