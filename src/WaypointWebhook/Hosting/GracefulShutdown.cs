using WaypointWebhook.Settings;
namespace WaypointWebhook.Hosting;

/// <summary>
/// On SIGTERM, Kubernetes removes the Pod from the Service while it already stops it: for a few seconds
/// the API server may still send admissions here. So the webhook first reports not ready and keeps
/// serving for <see cref="WebhookSettings.ShutdownDelaySeconds"/>, then Kestrel drains in-flight requests.
/// </summary>
public sealed class GracefulShutdown(WebhookSettings settings, ILogger<GracefulShutdown> logger) : IHostedLifecycleService
{
    private volatile bool draining;

    public bool Draining => draining;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        draining = true;
        logger.LogInformation("Shutting down: still serving for {Seconds} s while endpoints update, then draining", settings.ShutdownDelaySeconds);
        await Task.Delay(TimeSpan.FromSeconds(settings.ShutdownDelaySeconds), cancellationToken).ConfigureAwait(false);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
