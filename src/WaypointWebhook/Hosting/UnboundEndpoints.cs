using WaypointWebhook.Audit;
using WaypointWebhook.Cluster;
using WaypointWebhook.Policy;
using WaypointWebhook.Policy.Messages;
using WaypointWebhook.Policy.Syntax;
using WaypointWebhook.Settings;

namespace WaypointWebhook.Hosting;

/// <summary>
/// The live audit in the server: the hosted <see cref="UnboundAudit"/>, and <c>GET /unbound</c> on the health
/// port, its latest result as JSON (<see cref="UnboundList"/>; <c>?namespace=</c> narrows it). At most
/// <see cref="AuditResult.MaxItems"/> items, sorted by namespace, kind and name, with the counts of all:
/// 100,000 unbound Pods answer with the first 1,000, <c>"truncated": 99000</c> and one count.
/// </summary>
public static class UnboundEndpoints
{
    public const string Path = "/unbound";

    public static IServiceCollection AddUnboundAudit(this IServiceCollection services)
    {
        services.AddSingleton(provider => new UnboundAudit(
            provider.GetRequiredService<WaypointPolicy>(),
            provider.GetRequiredService<IClusterViewSource>(),
            provider.GetRequiredService<TimeProvider>(),
            TimeSpan.FromSeconds(provider.GetRequiredService<WebhookSettings>().AuditIntervalSeconds),
            provider.GetRequiredService<ILogger<UnboundAudit>>()));
        return services.AddHostedService(provider => provider.GetRequiredService<UnboundAudit>());
    }

    public static void MapUnbound(this IEndpointRouteBuilder routes) =>
        routes.MapGet(Path, (UnboundAudit audit, IClusterViewSource viewSource, string? @namespace) =>
        {
            if (@namespace is not null && !KubernetesNames.IsDns1123Label(@namespace))
            {
                return Results.Text($"namespace must be a namespace name, not \"{Quoted(@namespace)}\"\n", statusCode: StatusCodes.Status400BadRequest);
            }

            if (viewSource.Current is null)
            {
                return Results.Text($"not ready: cluster view not loaded ({viewSource.Describe()})\n", statusCode: StatusCodes.Status503ServiceUnavailable);
            }

            return audit.Latest is { } result
                ? Results.Json(result.List(@namespace), AuditJsonContext.Default.UnboundList)
                : Results.Text("not ready: the first audit pass is not done\n", statusCode: StatusCodes.Status503ServiceUnavailable);
        });

    /// <summary>The query value as a message may quote it: clipped, one line.</summary>
    private static string Quoted(string value) => SafeText.Clip(value, 128);
}
