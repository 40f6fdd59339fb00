using WaypointWebhook.Cluster;

namespace WaypointWebhook.Hosting;

/// <summary>
/// Plain HTTP on the health port: <c>/healthz</c> says the process serves requests (never tied to the
/// API server); <c>/readyz</c> says admissions can be answered: the cluster view is loaded and a
/// certificate is in place.
/// </summary>
public static class HealthEndpoints
{
    public static void MapHealth(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/healthz", () => Results.Text("ok\n"));
        routes.MapGet("/readyz", (IClusterViewSource views, ServingCertificate certificate) =>
        {
            if (views.Current is null)
            {
                return Results.Text($"not ready: cluster view not loaded ({views.Describe()})\n", statusCode: StatusCodes.Status503ServiceUnavailable);
            }

            if (certificate.Current is null)
            {
                return Results.Text("not ready: no serving certificate\n", statusCode: StatusCodes.Status503ServiceUnavailable);
            }

            return Results.Text("ok\n");
        });
    }
}
