using WaypointWebhook.Cluster;
using WaypointWebhook.Cluster.Live;
using WaypointWebhook.Settings;

namespace WaypointWebhook.Hosting;

/// <summary>Runs <c>serve</c>: the log, the cluster view source, the server, until the process is told to stop.</summary>
public static class WebhookHost
{
    /// <returns>True when the server ran and stopped; false when it could not start (the reason is logged).</returns>
    public static async Task<bool> RunAsync(ServeRequest request, CancellationToken cancellationToken)
    {
        using var logger = Logging.Create(request.Settings);
        try
        {
            var viewSource = ViewSource(request.ClusterState, request.Kubeconfig, logger);
            await WebhookServer.Build(request.Serve, request.Settings, viewSource, request.Configuration, logger).RunAsync(cancellationToken);
            return true;
        }
        catch (Exception e) when (e is ManifestException or SettingsException or ClusterClientException)
        {
            logger.Fatal("Cannot start: {Message}", e.Message);
            return false;
        }
    }

    /// <summary>Manifests when <c>--cluster-state</c> is given, else watch caches of the live cluster.</summary>
    private static IClusterViewSource ViewSource(IReadOnlyList<string> paths, string? kubeconfig, Serilog.ILogger logger)
    {
        var log = logger.ForContext("SourceContext", "WaypointWebhook.Cluster");
        if (paths.Count > 0)
        {
            var viewSource = new ManifestClusterViewSource(ClusterSnapshot.From(ManifestReader.Read(paths)), paths);
            log.Information("Cluster view loaded from {Source}", viewSource.Describe());
            return viewSource;
        }

        var client = KubeClientFactory.Create(kubeconfig);
        log.Information("Watching the cluster at {Server}", client is k8s.Kubernetes k ? k.BaseUri : null);
        return new LiveClusterView(client, new CacheTiming(), new Serilog.Extensions.Logging.SerilogLoggerFactory(logger));
    }
}
