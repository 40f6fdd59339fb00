using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using WaypointWebhook.Objects;
using WaypointWebhook.Policy.Model;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace WaypointWebhook.Cluster.Live;

/// <summary>Namespaces (v1), through the typed CoreV1 client; projected to name and labels.</summary>
public sealed class NamespaceSource(IKubernetes client) : IReadableSource<NamespaceInfo>
{
    public string Name => HandledKinds.Namespace.Resource;

    public async Task<ListPage<NamespaceInfo>> ListAsync(string? continueToken, int limit, CancellationToken cancellationToken)
    {
        using var response = await client.CoreV1.ListNamespaceWithHttpMessagesAsync(
            continueParameter: continueToken, limit: limit, cancellationToken: cancellationToken).ConfigureAwait(false);
        var list = response.Body;
        return new ListPage<NamespaceInfo>(
            list.Items.Select(ns => (ObjectKey.Cluster(ns.Metadata.Name), Entry(ns))).ToList(),
            list.Metadata?.ResourceVersion,
            list.Metadata?.ContinueProperty);
    }

    public async IAsyncEnumerable<WatchChange<NamespaceInfo>> WatchAsync(
        string resourceVersion, int timeoutSeconds, Action<Exception> onError, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var watch = client.CoreV1.WatchListNamespaceAsync(
            allowWatchBookmarks: true, resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds, onError: onError, cancellationToken: cancellationToken);
        await foreach (var (type, ns) in watch.ConfigureAwait(false))
        {
            yield return new WatchChange<NamespaceInfo>(
                type,
                ObjectKey.Cluster(ns?.Metadata?.Name ?? string.Empty),
                type is WatchEventType.Added or WatchEventType.Modified && ns?.Metadata?.Name is not null ? Project(ns) : null,
                ns?.Metadata?.ResourceVersion);
        }
    }

    public async Task<Versioned<NamespaceInfo>?> GetAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await client.CoreV1.ReadNamespaceWithHttpMessagesAsync(key.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
            return Entry(response.Body);
        }
        catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private static Versioned<NamespaceInfo> Entry(V1Namespace ns) => new(Project(ns), ResourceVersions.Parse(ns.Metadata.ResourceVersion));

    /// <summary>Name, labels, and of the annotations only the canary weight a Service may inherit (a Namespace's other annotations can be large).</summary>
    private static NamespaceInfo Project(V1Namespace ns) =>
        new(
            ns.Metadata.Name,
            ns.Metadata.Labels is { Count: > 0 } labels ? new Dictionary<string, string>(labels) : new Dictionary<string, string>(),
            ns.Metadata.Annotations?.TryGetValue(WaypointLabels.CanaryWeightAnnotation, out var weight) == true
                ? new Dictionary<string, string> { [WaypointLabels.CanaryWeightAnnotation] = weight }
                : null);
}
