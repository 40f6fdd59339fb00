using System.Runtime.CompilerServices;
using k8s;
using System.Text.Json;
using k8s.Models;
using WaypointWebhook.Admission;
using WaypointWebhook.Objects;
using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Cluster.Live;

/// <summary>A page of objects decoded into the lean shape, as a custom-objects list returns it.</summary>
public sealed class KubeObjectList
{
    public ListMetadata? Metadata { get; set; }

    public List<KubeObject>? Items { get; set; }
}

public sealed class ListMetadata
{
    public string? ResourceVersion { get; set; }

    public string? Continue { get; set; }
}

/// <summary>Namespaces (v1), through the typed CoreV1 client; projected to name and labels.</summary>
public sealed class NamespaceSource(IKubernetes client) : IResourceSource<NamespaceInfo>
{
    public string Name => "namespaces";

    public async Task<ListPage<NamespaceInfo>> ListAsync(string? continueToken, int limit, CancellationToken cancellationToken)
    {
        using var response = await client.CoreV1.ListNamespaceWithHttpMessagesAsync(
            continueParameter: continueToken, limit: limit, cancellationToken: cancellationToken).ConfigureAwait(false);
        var list = response.Body;
        return new ListPage<NamespaceInfo>(
            list.Items.Select(ns => KeyValuePair.Create(ns.Metadata.Name, Project(ns))).ToList(),
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
            var name = ns?.Metadata?.Name ?? string.Empty;
            yield return new WatchChange<NamespaceInfo>(
                type,
                name,
                type is WatchEventType.Added or WatchEventType.Modified && ns is not null ? Project(ns) : null,
                ns?.Metadata?.ResourceVersion);
        }
    }

    private static NamespaceInfo Project(V1Namespace ns) =>
        new(ns.Metadata.Name, ns.Metadata.Labels is { Count: > 0 } labels ? new Dictionary<string, string>(labels) : new Dictionary<string, string>());
}

/// <summary>
/// A Gateway API resource (cluster-wide), through the custom-objects client, decoded straight into
/// the lean <see cref="KubeObject"/> shape: no managedFields or status beyond addresses are kept.
/// </summary>
public sealed class CustomObjectSource<T>(IKubernetes client, string group, string version, string plural, Func<KubeObject, T> project) : IResourceSource<T>
{
    public string Name => plural;

    public async Task<ListPage<T>> ListAsync(string? continueToken, int limit, CancellationToken cancellationToken)
    {
        using var response = await client.CustomObjects.ListClusterCustomObjectWithHttpMessagesAsync<KubeObjectList>(
            group, version, plural, continueParameter: continueToken, limit: limit, cancellationToken: cancellationToken).ConfigureAwait(false);
        var list = response.Body;
        return new ListPage<T>(
            (list.Items ?? []).Select(o => KeyValuePair.Create(KeyOf(o), project(o))).ToList(),
            list.Metadata?.ResourceVersion,
            list.Metadata?.Continue);
    }

    public async IAsyncEnumerable<WatchChange<T>> WatchAsync(
        string resourceVersion, int timeoutSeconds, Action<Exception> onError, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var watch = client.CustomObjects.WatchListClusterCustomObjectAsync(
            group, version, plural, allowWatchBookmarks: true, resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds, onError: onError, cancellationToken: cancellationToken);
        await foreach (var (type, raw) in watch.ConfigureAwait(false))
        {
            // The client hands each event's object over as parsed JSON; read it into the lean shape.
            var obj = raw is JsonElement element ? element.Deserialize(WireJsonContext.Default.KubeObject) : null;
            yield return new WatchChange<T>(
                type,
                obj is null ? string.Empty : KeyOf(obj),
                type is WatchEventType.Added or WatchEventType.Modified && obj is not null ? project(obj) : default,
                obj?.Metadata?.ResourceVersion);
        }
    }

    private static string KeyOf(KubeObject obj) =>
        obj.Metadata?.Namespace is { Length: > 0 } ns ? $"{ns}/{obj.Metadata.Name}" : obj.Metadata?.Name ?? string.Empty;
}
