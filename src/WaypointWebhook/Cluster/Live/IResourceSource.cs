using k8s;

namespace WaypointWebhook.Cluster.Live;

/// <summary>
/// How one resource is listed, watched and read. The reflector knows the list+watch protocol; a source
/// knows the API path and the projection to a lean item.
/// </summary>
public interface IResourceSource<T>
{
    /// <summary>The resource's name in logs and metrics: <c>namespaces</c>, <c>gateways</c>...</summary>
    string Name { get; }

    Task<ListPage<T>> ListAsync(string? continueToken, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Watches from <paramref name="resourceVersion"/> with bookmarks. ERROR events (a Status, e.g.
    /// 410 Expired) reach <paramref name="onError"/> as <see cref="KubernetesException"/>.
    /// </summary>
    IAsyncEnumerable<WatchChange<T>> WatchAsync(string resourceVersion, int timeoutSeconds, Action<Exception> onError, CancellationToken cancellationToken);
}
