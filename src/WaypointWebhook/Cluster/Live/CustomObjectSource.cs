using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using WaypointWebhook.Objects;
using WaypointWebhook.Policy.Model;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace WaypointWebhook.Cluster.Live;

/// <summary>
/// A Gateway API resource (cluster-wide), through the custom-objects client, decoded straight into
/// the lean <see cref="KubeObject"/> shape: no managedFields or status beyond addresses are kept.
/// </summary>
public sealed class CustomObjectSource<T>(IKubernetes client, HandledKind kind, Func<KubeObject, T> project) : IResourceSource<T>
{
    public string Name => kind.Resource;

    public async Task<ListPage<T>> ListAsync(string? continueToken, int limit, CancellationToken cancellationToken)
    {
        using var response = await client.CustomObjects.ListClusterCustomObjectWithHttpMessagesAsync<KubeObjectList>(
            kind.Group, kind.Version, kind.Resource, continueParameter: continueToken, limit: limit, cancellationToken: cancellationToken).ConfigureAwait(false);
        var list = response.Body;
        return new ListPage<T>(
            (list.Items ?? []).Select(o => (KeyOf(o), Entry(o))).ToList(),
            list.Metadata?.ResourceVersion,
            list.Metadata?.Continue);
    }

    public async IAsyncEnumerable<WatchChange<T>> WatchAsync(
        string resourceVersion, int timeoutSeconds, Action<Exception> onError, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var watch = client.CustomObjects.WatchListClusterCustomObjectAsync(
            kind.Group, kind.Version, kind.Resource, allowWatchBookmarks: true, resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds, onError: onError, cancellationToken: cancellationToken);
        await foreach (var (type, raw) in watch.ConfigureAwait(false))
        {
            // The client hands each event's object over as parsed JSON; read it into the lean shape.
            var obj = raw is JsonElement element ? element.Deserialize(ObjectJsonContext.Default.KubeObject) : null;
            yield return new WatchChange<T>(
                type,
                obj is null ? default : KeyOf(obj),
                type is WatchEventType.Added or WatchEventType.Modified && obj?.Metadata?.Name is not null ? project(obj) : default,
                obj?.Metadata?.ResourceVersion);
        }
    }

    public async Task<Versioned<T>?> GetAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        try
        {
            using var response = kind.IsNamespaced
                ? await client.CustomObjects.GetNamespacedCustomObjectWithHttpMessagesAsync<KubeObject>(
                    kind.Group, kind.Version, key.Namespace, kind.Resource, key.Name, cancellationToken: cancellationToken).ConfigureAwait(false)
                : await client.CustomObjects.GetClusterCustomObjectWithHttpMessagesAsync<KubeObject>(
                    kind.Group, kind.Version, kind.Resource, key.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
            return Entry(response.Body);
        }
        catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private Versioned<T> Entry(KubeObject obj) => new(project(obj), ResourceVersions.Parse(obj.Metadata?.ResourceVersion));

    private static ObjectKey KeyOf(KubeObject obj) => new(obj.Metadata?.Namespace ?? string.Empty, obj.Metadata?.Name ?? string.Empty);
}
