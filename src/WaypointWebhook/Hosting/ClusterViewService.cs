using WaypointWebhook.Cluster.Live;

namespace WaypointWebhook.Hosting;

/// <summary>Runs the live cluster view's list+watch loops for the life of the process.</summary>
public sealed class ClusterViewService(LiveClusterView view) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => view.RunAsync(stoppingToken);
}
