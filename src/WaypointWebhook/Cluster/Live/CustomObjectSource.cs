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
/// A custom resource (Gateway API, Istio), cluster-wide, through the custom-objects client, decoded straight
/// into the lean <see cref="KubeObject"/> shape: no managedFields or status beyond addresses are kept.
/// With a <paramref name="labelSelector"/> it lists and watches only the objects carrying that label key
/// (the consumer index's watches), and an object the projection turns down (null) is not kept.
/// </summary>
public sealed class CustomObjectSource<T>(IKubernetes client, HandledKind kind, Func<KubeObject, T?> project, string? labelSelector = null) : IReadableSource<T>
    where T : class
{
    public string Name => labelSelector is null ? kind.Resource : $"{kind.Resource}[{labelSelector}]";

    public async Task<ListPage<T>> ListAsync(string? continueToken, int limit, CancellationToken cancellationToken)
    {
        using var response = await client.CustomObjects.ListClusterCustomObjectWithHttpMessagesAsync<KubeObjectList>(
            kind.Group, kind.Version, kind.Resource, continueParameter: continueToken, labelSelector: labelSelector, limit: limit, cancellationToken: cancellationToken).ConfigureAwait(false);
        var list = response.Body;
        var items = new List<(ObjectKey, Versioned<T>)>(list.Items?.Count ?? 0);
        foreach (var obj in list.Items ?? [])
        {
            if (Entry(obj) is { } entry)
            {
                items.Add((KeyOf(entry.Item, obj), entry));
            }
        }

        return new ListPage<T>(
            items,
            list.Metadata?.ResourceVersion,
            list.Metadata?.Continue);
    }

    public async IAsyncEnumerable<WatchChange<T>> WatchAsync(
        string resourceVersion, int timeoutSeconds, Action<Exception> onError, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var watch = client.CustomObjects.WatchListClusterCustomObjectAsync(
            kind.Group, kind.Version, kind.Resource, allowWatchBookmarks: true, labelSelector: labelSelector, resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds, onError: onError, cancellationToken: cancellationToken);
        await foreach (var (type, raw) in watch.ConfigureAwait(false))
        {
            // The client hands each event's object over as parsed JSON; read it into the lean shape.
            var obj = raw is JsonElement element ? element.Deserialize(ObjectJsonContext.Default.KubeObject) : null;
            var item = type is WatchEventType.Added or WatchEventType.Modified && obj?.Metadata?.Name is not null ? project(obj) : null;
            yield return new WatchChange<T>(type, obj is null ? default : KeyOf(item, obj), item, obj?.Metadata?.ResourceVersion);
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
            return Entry(response.Body) ?? throw new InvalidDataException($"the API server's {kind.Kind} {key} cannot be read");
        }
        catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private Versioned<T>? Entry(KubeObject obj) =>
        project(obj) is { } item ? new Versioned<T>(item, ResourceVersions.Parse(obj.Metadata?.ResourceVersion)) : null;

    /// <summary>
    /// The key, from the consumer's own (pooled) namespace and name when the item is one, so the table's key
    /// and the item share their strings.
    /// </summary>
    private static ObjectKey KeyOf(T? item, KubeObject obj) =>
        item is EnrollingSubject { Object: var o }
            ? new ObjectKey(o.Namespace ?? string.Empty, o.Name)
            : new ObjectKey(obj.Metadata?.Namespace ?? string.Empty, obj.Metadata?.Name ?? string.Empty);
}
