using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using WaypointWebhook.Objects;
using WaypointWebhook.Policy.Model;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace WaypointWebhook.Cluster.Live;

/// <summary>
/// Pods or Services (core v1) that carry one waypoint label, cluster-wide, with <c>labelSelector=KEY</c> on
/// the list and the watch: the API server sends only the objects carrying the key, and a DELETED for one
/// that stops carrying it. The core group has no custom-objects path and its typed models decode a whole
/// Pod (containers, status, managedFields: about 80 µs a Pod, 9 s of CPU for 100,000), so the responses are
/// read, through the client's own HttpClient and credentials, straight into the lean
/// <see cref="KubeObject"/> shape as the custom resources are, and on into the consumer projection.
/// </summary>
/// <remarks>List and watch only: the index confirms nothing, so no <c>get</c> is granted on these.</remarks>
public sealed class CoreConsumerSource : IResourceSource<EnrollingSubject>
{
    private readonly Kubernetes client;
    private readonly HandledKind kind;
    private readonly string labelSelector;
    private readonly ConsumerReader reader;

    public CoreConsumerSource(IKubernetes client, HandledKind kind, string labelSelector, ConsumerReader reader)
    {
        if (kind.Group.Length != 0 || kind.Subject is not (SubjectKind.Pod or SubjectKind.Service))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind.Kind, "the core consumer source reads Pods and Services");
        }

        this.client = client as Kubernetes
            ?? throw new ArgumentException($"the consumer index reads {kind.Resource} through KubernetesClient's Kubernetes client (its HttpClient and credentials), not a {client.GetType().Name}", nameof(client));
        this.kind = kind;
        this.labelSelector = labelSelector;
        this.reader = reader;
    }

    public string Name => $"{kind.Resource}[{labelSelector}]";

    public async Task<ListPage<EnrollingSubject>> ListAsync(string? continueToken, int limit, CancellationToken cancellationToken)
    {
        var query = $"labelSelector={Uri.EscapeDataString(labelSelector)}&limit={limit}{(continueToken is null ? string.Empty : "&continue=" + Uri.EscapeDataString(continueToken))}";
        using var response = await GetAsync(query, cancellationToken).ConfigureAwait(false);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var list = await JsonSerializer.DeserializeAsync(body, ObjectJsonContext.Default.KubeObjectList, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidDataException($"the list of {Name} is empty");
        var items = new List<(ObjectKey, Versioned<EnrollingSubject>)>(list.Items?.Count ?? 0);
        foreach (var obj in list.Items ?? [])
        {
            if (reader.Read(kind, obj) is { } consumer)
            {
                items.Add((KeyOf(consumer), new Versioned<EnrollingSubject>(consumer, ResourceVersions.Parse(obj.Metadata?.ResourceVersion))));
            }
        }

        return new ListPage<EnrollingSubject>(items, list.Metadata?.ResourceVersion, list.Metadata?.Continue);
    }

    /// <summary>
    /// The watch protocol as KubernetesClient's watcher speaks it: one JSON event a line; an ERROR event's
    /// Status (e.g. 410 Expired) goes to <paramref name="onError"/> as a <see cref="KubernetesException"/>;
    /// an HTTP error status is thrown as <see cref="HttpOperationException"/>.
    /// </summary>
    public async IAsyncEnumerable<WatchChange<EnrollingSubject>> WatchAsync(
        string resourceVersion, int timeoutSeconds, Action<Exception> onError, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var query = $"watch=true&allowWatchBookmarks=true&labelSelector={Uri.EscapeDataString(labelSelector)}&resourceVersion={Uri.EscapeDataString(resourceVersion)}&timeoutSeconds={timeoutSeconds}";
        using var response = await GetAsync(query, cancellationToken).ConfigureAwait(false);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var lines = new StreamReader(body, Encoding.UTF8);
        while (await lines.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            var type = root.TryGetProperty("type", out var t) ? t.GetString() : null;
            if (!root.TryGetProperty("object", out var raw) || raw.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"a watch event of {Name} has no object");
            }

            if (type == "ERROR")
            {
                onError(new KubernetesException(KubernetesJson.Deserialize<V1Status>(raw.GetRawText())));
                continue;
            }

            var eventType = type switch
            {
                "ADDED" => WatchEventType.Added,
                "MODIFIED" => WatchEventType.Modified,
                "DELETED" => WatchEventType.Deleted,
                "BOOKMARK" => WatchEventType.Bookmark,
                _ => throw new InvalidDataException($"a watch event of {Name} has type {type ?? "(none)"}"),
            };
            var obj = raw.Deserialize(ObjectJsonContext.Default.KubeObject);
            var consumer = eventType is WatchEventType.Added or WatchEventType.Modified && obj?.Metadata?.Name is not null ? reader.Read(kind, obj) : null;
            yield return new WatchChange<EnrollingSubject>(
                eventType,
                consumer is not null ? KeyOf(consumer) : new ObjectKey(obj?.Metadata?.Namespace ?? string.Empty, obj?.Metadata?.Name ?? string.Empty),
                consumer,
                obj?.Metadata?.ResourceVersion);
        }
    }

    /// <summary>The table's key from the consumer's own (pooled) namespace and name, so key and item share their strings.</summary>
    private static ObjectKey KeyOf(EnrollingSubject consumer) => new(consumer.Object.Namespace ?? string.Empty, consumer.Object.Name);

    /// <summary>A GET of this resource, cluster-wide, authenticated as the client's own requests are; an error status is thrown.</summary>
    private async Task<HttpResponseMessage> GetAsync(string query, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"{client.BaseUri.AbsoluteUri.TrimEnd('/')}/api/{kind.Version}/{kind.Resource}?{query}"));
        if (client.Credentials is { } credentials)
        {
            await credentials.ProcessHttpRequestAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var response = await client.HttpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var content = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new HttpOperationException($"{request.Method} {kind.Resource} returned {(int)response.StatusCode} {response.StatusCode}")
            {
                Request = new HttpRequestMessageWrapper(request, null),
                Response = new HttpResponseMessageWrapper(response, content),
            };
        }
    }
}
