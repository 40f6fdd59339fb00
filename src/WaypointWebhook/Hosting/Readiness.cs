using WaypointWebhook.Cluster;

namespace WaypointWebhook.Hosting;

/// <summary>
/// Whether admissions can be answered, decided as <c>/readyz</c> decides it (<see cref="HealthEndpoints"/>):
/// not while shutting down, not before the cluster view is loaded, not without a serving certificate.
/// The <c>waypoint_webhook_ready</c> gauge reads it, so an alert on the gauge and the kubelet's probe agree.
/// </summary>
public static class Readiness
{
    /// <summary>Why the webhook is not ready, or null when it is (the order is /readyz's).</summary>
    public static string? NotReadyReason(IClusterViewSource viewSource, ServingCertificate certificate, GracefulShutdown? shutdown) =>
        shutdown is { Draining: true } ? "shutting down"
        : viewSource.Current is null ? $"cluster view not loaded ({viewSource.Describe()})"
        : certificate.Current is null ? "no serving certificate"
        : null;

    public static bool IsReady(IClusterViewSource viewSource, ServingCertificate certificate, GracefulShutdown? shutdown) =>
        shutdown is not { Draining: true } && viewSource.Current is not null && certificate.Current is not null;
}
