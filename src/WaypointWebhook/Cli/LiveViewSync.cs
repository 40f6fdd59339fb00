using k8s;
using Microsoft.Extensions.Logging.Abstractions;
using WaypointWebhook.Cluster;
using WaypointWebhook.Cluster.Live;
using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Cli;

/// <summary>
/// The live cluster view <c>serve</c> keeps, synced once: the same reflectors and the same consumer index, so
/// <c>analyze</c> judges unbound consumers over exactly what <c>GET /unbound</c> judges. The watches stop as
/// soon as every initial list is in.
/// </summary>
public static class LiveViewSync
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    /// <exception cref="ClusterClientException">The view did not sync within <paramref name="timeout"/> (the reflectors retry a failing list; analyze must end).</exception>
    public static async Task<IClusterView> SyncOnceAsync(IKubernetes client, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var view = new LiveClusterView(client, new CacheTiming(), NullLoggerFactory.Instance);
        IClusterViewSource source = view;
        var synced = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChanged()
        {
            if (view.Current is not null)
            {
                synced.TrySetResult();
            }
        }

        source.Changed += OnChanged;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var run = view.RunAsync(stop.Token);
        try
        {
            OnChanged();
            await synced.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            return view.Current ?? throw new InvalidOperationException("a synced view has a snapshot");
        }
        catch (TimeoutException e)
        {
            throw new ClusterClientException($"the cluster view did not sync within {timeout.TotalSeconds:0} s: {view.Describe()}", e);
        }
        finally
        {
            source.Changed -= OnChanged;
            await stop.CancelAsync().ConfigureAwait(false);
            await run.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}
