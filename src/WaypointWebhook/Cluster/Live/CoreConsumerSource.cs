using System.Runtime.CompilerServices;
using WaypointWebhook.Objects;
using WaypointWebhook.Policy.Model;
using k8s;
using k8s.Models;

namespace WaypointWebhook.Cluster.Live;

/// <summary>
/// Pods or Services (core v1) that carry one waypoint label, cluster-wide, through the typed CoreV1 client
/// (the core group has no custom-objects path), with <c>labelSelector=KEY</c> on the list and the watch:
/// the API server sends only the objects carrying the key, and a DELETED for one that stops carrying it.
/// Each is read into the lean consumer projection at once; the typed object is dropped.
/// </summary>
/// <remarks>List and watch only: the index confirms nothing, so no <c>get</c> is granted on these.</remarks>
public sealed class CoreConsumerSource : IResourceSource<EnrollingSubject>
{
    private readonly IKubernetes client;
    private readonly HandledKind kind;
    private readonly string labelSelector;
    private readonly ConsumerReader reader;

    public CoreConsumerSource(IKubernetes client, HandledKind kind, string labelSelector, ConsumerReader reader)
    {
        if (kind.Group.Length != 0 || kind.Subject is not (SubjectKind.Pod or SubjectKind.Service))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind.Kind, "the core consumer source reads Pods and Services");
        }

        this.client = client;
        this.kind = kind;
        this.labelSelector = labelSelector;
        this.reader = reader;
    }

    public string Name => $"{kind.Resource}[{labelSelector}]";

    public async Task<ListPage<EnrollingSubject>> ListAsync(string? continueToken, int limit, CancellationToken cancellationToken)
    {
        if (kind.Subject == SubjectKind.Pod)
        {
            using var pods = await client.CoreV1.ListPodForAllNamespacesWithHttpMessagesAsync(
                continueParameter: continueToken, labelSelector: labelSelector, limit: limit, cancellationToken: cancellationToken).ConfigureAwait(false);
            return Page(pods.Body.Items.Select(p => Read(p.Metadata, null)), pods.Body.Metadata);
        }

        using var services = await client.CoreV1.ListServiceForAllNamespacesWithHttpMessagesAsync(
            continueParameter: continueToken, labelSelector: labelSelector, limit: limit, cancellationToken: cancellationToken).ConfigureAwait(false);
        return Page(services.Body.Items.Select(s => Read(s.Metadata, s.Spec?.Type)), services.Body.Metadata);
    }

    public async IAsyncEnumerable<WatchChange<EnrollingSubject>> WatchAsync(
        string resourceVersion, int timeoutSeconds, Action<Exception> onError, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (kind.Subject == SubjectKind.Pod)
        {
            var pods = client.CoreV1.WatchListPodForAllNamespacesAsync(
                allowWatchBookmarks: true, labelSelector: labelSelector, resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds, onError: onError, cancellationToken: cancellationToken);
            await foreach (var (type, pod) in pods.ConfigureAwait(false))
            {
                yield return Change(type, pod?.Metadata, null);
            }
        }
        else
        {
            var services = client.CoreV1.WatchListServiceForAllNamespacesAsync(
                allowWatchBookmarks: true, labelSelector: labelSelector, resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds, onError: onError, cancellationToken: cancellationToken);
            await foreach (var (type, service) in services.ConfigureAwait(false))
            {
                yield return Change(type, service?.Metadata, service?.Spec?.Type);
            }
        }
    }

    private static ListPage<EnrollingSubject> Page(IEnumerable<(ObjectKey Key, Versioned<EnrollingSubject>? Entry)> read, V1ListMeta? meta)
    {
        var items = new List<(ObjectKey, Versioned<EnrollingSubject>)>();
        foreach (var (key, entry) in read)
        {
            if (entry is { } found)
            {
                items.Add((key, found));
            }
        }

        return new ListPage<EnrollingSubject>(items, meta?.ResourceVersion, meta?.ContinueProperty);
    }

    private WatchChange<EnrollingSubject> Change(WatchEventType type, V1ObjectMeta? meta, string? serviceType)
    {
        var (key, entry) = type is WatchEventType.Added or WatchEventType.Modified && meta?.Name is not null
            ? Read(meta, serviceType)
            : (new ObjectKey(meta?.NamespaceProperty ?? string.Empty, meta?.Name ?? string.Empty), null);
        return new WatchChange<EnrollingSubject>(type, key, entry?.Item, meta?.ResourceVersion);
    }

    /// <summary>The typed object's metadata, as the lean shape the consumer reader reads (what SubjectReader reads of it).</summary>
    private (ObjectKey Key, Versioned<EnrollingSubject>? Entry) Read(V1ObjectMeta meta, string? serviceType)
    {
        var obj = new KubeObject
        {
            Metadata = new ObjectMeta
            {
                Name = meta.Name,
                GenerateName = meta.GenerateName,
                Namespace = meta.NamespaceProperty,
                Labels = meta.Labels is { Count: > 0 } labels ? labels.ToDictionary(p => p.Key, p => (string?)p.Value, StringComparer.Ordinal) : null,
                Annotations = Kept(meta.Annotations),
                OwnerReferences = meta.OwnerReferences?.Select(o => (OwnerReference?)new OwnerReference { Controller = o.Controller }).ToList(),
            },
            Spec = serviceType is null ? null : new ObjectSpec { Type = serviceType },
        };
        var consumer = reader.Read(kind, obj);
        return consumer is null
            ? (new ObjectKey(meta.NamespaceProperty ?? string.Empty, meta.Name ?? string.Empty), null)
            : (new ObjectKey(consumer.Object.Namespace ?? string.Empty, consumer.Object.Name), new Versioned<EnrollingSubject>(consumer, ResourceVersions.Parse(meta.ResourceVersion)));
    }

    private static KeptAnnotations? Kept(IDictionary<string, string>? annotations)
    {
        if (annotations is null || annotations.Count == 0)
        {
            return null;
        }

        var kept = new KeptAnnotations();
        foreach (var key in KeptAnnotations.Keys)
        {
            if (annotations.TryGetValue(key, out var value))
            {
                kept.Set(key, value ?? string.Empty);
            }
        }

        return kept;
    }
}
