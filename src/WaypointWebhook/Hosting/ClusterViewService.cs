using WaypointWebhook.Cluster;

namespace WaypointWebhook.Hosting;

/// <summary>Keeps the cluster view current for the life of the process (a live view's list+watch loops).</summary>
public sealed class ClusterViewService(IClusterViewSource viewSource) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => viewSource.RunAsync(stoppingToken);
}
