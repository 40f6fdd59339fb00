using WaypointWebhook.Cluster;

namespace WaypointWebhook.Hosting;

/// <summary>
/// Plain HTTP on the health port: <c>/healthz</c> says the process serves requests (never tied to the
/// API server); <c>/readyz</c> says admissions can be answered: the cluster view is loaded and a
/// certificate is in place.
/// </summary>
public static class HealthEndpoints
{
    public const string LivenessPath = "/healthz";
    public const string ReadinessPath = "/readyz";

    public static void MapHealth(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(LivenessPath, () => Results.Text("ok\n"));
        routes.MapGet(ReadinessPath, (IClusterViewSource viewSource, ServingCertificate certificate, GracefulShutdown shutdown) =>
        {
            if (shutdown.Draining)
            {
                return Results.Text("not ready: shutting down\n", statusCode: StatusCodes.Status503ServiceUnavailable);
            }

            if (viewSource.Current is null)
            {
                return Results.Text($"not ready: cluster view not loaded ({viewSource.Describe()})\n", statusCode: StatusCodes.Status503ServiceUnavailable);
            }

            if (certificate.Current is null)
            {
                return Results.Text("not ready: no serving certificate\n", statusCode: StatusCodes.Status503ServiceUnavailable);
            }

            return Results.Text("ok\n");
        });
    }
}
