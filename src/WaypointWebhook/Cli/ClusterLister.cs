using System.Text.Json;
using WaypointWebhook.Cluster;
using WaypointWebhook.Cluster.Live;
using WaypointWebhook.Objects;
using WaypointWebhook.Policy.Model;
using k8s;

namespace WaypointWebhook.Cli;

/// <summary>
/// Lists what <c>analyze</c> audits in a live cluster: every handled kind, paginated, with a label
/// selector on the waypoint labels where the kind's own labels carry them (an OR is one list per key).
/// </summary>
/// <param name="progress">Where to show how many objects of each kind are listed so far (a terminal); null for nothing.</param>
public sealed class ClusterLister(IKubernetes client, int pageSize = 500, TextWriter? progress = null)
{
    /// <summary>Kinds whose own metadata.labels are the only enrollment: a selector per key finds them all.</summary>
    private static readonly Dictionary<SubjectKind, string[]> Selectors = new()
    {
        [SubjectKind.Service] =
        [
            WaypointLabels.UseWaypoint, WaypointLabels.UseWaypointNamespace, WaypointLabels.IngressUseWaypoint,
            WaypointLabels.UseWaypointCanary, WaypointLabels.UseWaypointCanaryNamespace,
        ],
        [SubjectKind.Pod] = [WaypointLabels.UseWaypoint, WaypointLabels.UseWaypointNamespace],
    };

    private static readonly IReadOnlyDictionary<string, string> NoAnnotations = new Dictionary<string, string>();

    /// <summary>Every object to audit, as manifests, plus every Namespace, GatewayClass and Gateway for the cluster view.</summary>
    public async Task<(List<Manifest> Subjects, List<Manifest> Cluster)> ListAsync(string? onlyNamespace, CancellationToken cancellationToken)
    {
        var subjects = new List<Manifest>();
        var cluster = new List<Manifest>();
        var enrolledNamespaces = new List<string>();
        foreach (var kind in HandledKinds.All)
        {
            var clusterState = kind.IsClusterState;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (scope, selector) in Queries(kind, onlyNamespace, enrolledNamespaces))
            {
                await foreach (var (obj, annotations) in ListAllAsync(kind, scope, selector, cancellationToken).ConfigureAwait(false))
                {
                    if (!seen.Add($"{obj.Metadata?.Namespace}/{obj.Metadata?.Name}"))
                    {
                        continue;
                    }

                    if (progress is not null && seen.Count % pageSize == 0)
                    {
                        Show($"listing {kind.Resource}: {seen.Count}");
                    }

                    var manifest = new Manifest(kind, obj, $"cluster {kind.Resource}") { Annotations = annotations };
                    (clusterState ? cluster : subjects).Add(manifest);
                    if (clusterState && kind.Subject != SubjectKind.Namespace)
                    {
                        subjects.Add(manifest); // Gateways and GatewayClasses are judged too (G1..G3)
                    }
                    else if (kind.Subject == SubjectKind.Namespace)
                    {
                        subjects.Add(manifest);
                        if (obj.Metadata?.Labels is { } labels && obj.Metadata.Name is { } name
                            && (labels.ContainsKey(WaypointLabels.UseWaypoint) || labels.ContainsKey(WaypointLabels.UseWaypointCanary)))
                        {
                            enrolledNamespaces.Add(name);
                        }
                    }
                }
            }

            if (progress is not null)
            {
                Show($"listed {seen.Count} {kind.Resource}");
                progress.WriteLine();
            }
        }

        // Reported by namespace, then in the order of the kinds table, then by name: stable across runs.
        var order = HandledKinds.All.Select((k, i) => (k, i)).ToDictionary(p => p.k, p => p.i);
        subjects = subjects
            .OrderBy(m => m.Object.Metadata?.Namespace ?? string.Empty, StringComparer.Ordinal)
            .ThenBy(m => order[m.Kind])
            .ThenBy(m => m.Object.Metadata?.Name, StringComparer.Ordinal)
            .ToList();
        return (subjects, cluster);
    }

    /// <summary>
    /// The lists that find every object of a kind the rules can say something about: cluster state whole (a
    /// namespace's waypoint may live elsewhere); a kind whose own labels are its only enrollment by a selector
    /// per label key, plus, for Services, every Service of a namespace that names a waypoint (it inherits the
    /// namespace's, rule W12); every other kind whole, where asked.
    /// </summary>
    private static IEnumerable<(string? Namespace, string? Selector)> Queries(HandledKind kind, string? onlyNamespace, IReadOnlyList<string> enrolledNamespaces)
    {
        if (kind.IsClusterState)
        {
            return [(null, null)];
        }

        if (Selectors.GetValueOrDefault(kind.Subject) is not { } keys)
        {
            return [(onlyNamespace, null)];
        }

        var bySelector = keys.Select(key => (onlyNamespace, (string?)key));
        return kind.Subject != SubjectKind.Service
            ? bySelector
            : bySelector.Concat(enrolledNamespaces.Where(n => onlyNamespace is null || n == onlyNamespace).Select(n => ((string?)n, (string?)null)));
    }

    /// <summary>Rewrites the terminal's current line (carriage return, then erase to its end).</summary>
    private void Show(string line) => progress?.Write($"\r\u001b[K{line}");

    private async IAsyncEnumerable<(KubeObject Object, IReadOnlyDictionary<string, string> Annotations)> ListAllAsync(HandledKind kind, string? ns, string? labelSelector, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? continueToken = null;
        do
        {
            var (items, next) = await PageAsync(kind, ns, labelSelector, continueToken, cancellationToken).ConfigureAwait(false);
            foreach (var item in items)
            {
                yield return item;
            }

            continueToken = next is { Length: > 0 } ? next : null;
        }
        while (continueToken is not null);
    }

    private async Task<(IEnumerable<(KubeObject, IReadOnlyDictionary<string, string>)> Items, string? Continue)> PageAsync(HandledKind kind, string? ns, string? selector, string? continueToken, CancellationToken ct)
    {
        if (kind.Group.Length > 0)
        {
            // Read as a JSON tree, not straight into the lean shape: the suppress annotation is read beside it.
            using var response = ns is null || !kind.IsNamespaced
                ? await client.CustomObjects.ListClusterCustomObjectWithHttpMessagesAsync<JsonElement>(
                    kind.Group, kind.Version, kind.Resource, continueParameter: continueToken, labelSelector: selector, limit: pageSize, cancellationToken: ct).ConfigureAwait(false)
                : await client.CustomObjects.ListNamespacedCustomObjectWithHttpMessagesAsync<JsonElement>(
                    kind.Group, kind.Version, ns, kind.Resource, continueParameter: continueToken, labelSelector: selector, limit: pageSize, cancellationToken: ct).ConfigureAwait(false);
            return Lean(response.Body);
        }

        // The core group has no custom-objects path: its typed lists are read back into the lean shape.
        object list = kind.Subject switch
        {
            SubjectKind.Namespace => await client.CoreV1.ListNamespaceAsync(continueParameter: continueToken, labelSelector: selector, limit: pageSize, cancellationToken: ct).ConfigureAwait(false),
            SubjectKind.Pod when ns is null => await client.CoreV1.ListPodForAllNamespacesAsync(continueParameter: continueToken, labelSelector: selector, limit: pageSize, cancellationToken: ct).ConfigureAwait(false),
            SubjectKind.Pod => await client.CoreV1.ListNamespacedPodAsync(ns, continueParameter: continueToken, labelSelector: selector, limit: pageSize, cancellationToken: ct).ConfigureAwait(false),
            SubjectKind.Service when ns is null => await client.CoreV1.ListServiceForAllNamespacesAsync(continueParameter: continueToken, labelSelector: selector, limit: pageSize, cancellationToken: ct).ConfigureAwait(false),
            SubjectKind.Service => await client.CoreV1.ListNamespacedServiceAsync(ns, continueParameter: continueToken, labelSelector: selector, limit: pageSize, cancellationToken: ct).ConfigureAwait(false),
            SubjectKind.PodTemplate when ns is null => await client.CoreV1.ListReplicationControllerForAllNamespacesAsync(continueParameter: continueToken, labelSelector: selector, limit: pageSize, cancellationToken: ct).ConfigureAwait(false),
            SubjectKind.PodTemplate => await client.CoreV1.ListNamespacedReplicationControllerAsync(ns, continueParameter: continueToken, labelSelector: selector, limit: pageSize, cancellationToken: ct).ConfigureAwait(false),
            _ => throw new InvalidOperationException($"no core list for {kind.Kind}"),
        };

        using var document = JsonDocument.Parse(KubernetesJson.Serialize(list));
        return Lean(document.RootElement);
    }

    /// <summary>
    /// A list's items in the lean shape, each with its <see cref="Suppressions.Annotation"/> if it has one (only
    /// that one: a cluster's last-applied-configuration annotations would multiply the memory held).
    /// </summary>
    private static (IEnumerable<(KubeObject, IReadOnlyDictionary<string, string>)> Items, string? Continue) Lean(JsonElement list)
    {
        var lean = list.Deserialize(ObjectJsonContext.Default.KubeObjectList) ?? new KubeObjectList();
        var items = lean.Items ?? [];
        var raw = list.TryGetProperty("items", out var array) && array.ValueKind == JsonValueKind.Array ? array.EnumerateArray().ToList() : [];
        return (items.Select((item, i) => (item, i < raw.Count ? SuppressAnnotation(raw[i]) : NoAnnotations)).ToList(), lean.Metadata?.Continue);
    }

    private static IReadOnlyDictionary<string, string> SuppressAnnotation(JsonElement item) =>
        item.TryGetProperty("metadata", out var meta) && meta.ValueKind == JsonValueKind.Object
        && meta.TryGetProperty("annotations", out var annotations) && annotations.ValueKind == JsonValueKind.Object
        && annotations.TryGetProperty(Suppressions.Annotation, out var value) && value.ValueKind == JsonValueKind.String
            ? new Dictionary<string, string> { [Suppressions.Annotation] = value.GetString() ?? string.Empty }
            : NoAnnotations;
}
