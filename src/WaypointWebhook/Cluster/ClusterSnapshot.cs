using WaypointWebhook.Objects;
using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Cluster;

/// <summary>
/// The cluster as the policy reads it: Namespaces, GatewayClasses and Gateways, and the consumers that
/// name waypoints (<see cref="Consumers"/>), together and immutable. An admission reads one snapshot, so it
/// can never see one table changed and another not yet. The live view replaces its snapshot on every change
/// (<see cref="Live.ClusterStore"/>); <c>--cluster-state</c> and <c>analyze</c> build one from files.
/// </summary>
public sealed record ClusterSnapshot(
    ResourceTable<NamespaceInfo> Namespaces,
    ResourceTable<GatewayClassInfo> GatewayClasses,
    ResourceTable<GatewayInfo> Gateways) : IClusterView
{
    public static readonly ClusterSnapshot Empty = new(ResourceTable<NamespaceInfo>.Empty, ResourceTable<GatewayClassInfo>.Empty, ResourceTable<GatewayInfo>.Empty);

    /// <summary>
    /// The consumer index. A Namespace's consumer is derived from <see cref="Namespaces"/>: change that table
    /// with <see cref="WithNamespaces"/> so the two stay in step.
    /// </summary>
    public ConsumerTable Consumers { get; init; } = ConsumerTable.Empty;

    IConsumerIndex IClusterView.Consumers => Consumers;

    /// <summary>
    /// The Gateways, GatewayClasses and Namespaces among <paramref name="manifests"/>, and the consumers among
    /// them (Namespaces, Services, ServiceEntries, Pods and WorkloadEntries naming a waypoint), indexed as the
    /// live view indexes them; other kinds are ignored.
    /// </summary>
    public static ClusterSnapshot From(IEnumerable<Manifest> manifests, string defaultNamespace = "default")
    {
        var gateways = new List<(ObjectKey, GatewayInfo)>();
        var classes = new List<(ObjectKey, GatewayClassInfo)>();
        var namespaces = new List<(ObjectKey, NamespaceInfo)>();
        var consumers = new List<EnrollingSubject>();
        var reader = new ConsumerReader(new StringPool());
        foreach (var manifest in manifests)
        {
            switch (manifest.Kind.Subject)
            {
                case SubjectKind.Service or SubjectKind.ServiceEntry or SubjectKind.Pod or SubjectKind.WorkloadEntry:
                    if (reader.Read(manifest.Kind, manifest.Object, defaultNamespace) is { } consumer)
                    {
                        consumers.Add(consumer);
                    }

                    break;
                case SubjectKind.Gateway:
                    var gateway = SubjectReader.ToGateway(manifest.Object, defaultNamespace);
                    gateways.Add((new ObjectKey(gateway.Namespace, gateway.Name), gateway));
                    break;
                case SubjectKind.GatewayClass:
                    var gatewayClass = SubjectReader.ToGatewayClass(manifest.Object);
                    classes.Add((ObjectKey.Cluster(gatewayClass.Name), gatewayClass));
                    break;
                case SubjectKind.Namespace:
                    var ns = SubjectReader.ToNamespace(manifest.Object);
                    namespaces.Add((ObjectKey.Cluster(ns.Name), ns));
                    break;
            }
        }

        var namespaceTable = ResourceTable<NamespaceInfo>.Of(namespaces);
        return new ClusterSnapshot(namespaceTable, ResourceTable<GatewayClassInfo>.Of(classes), ResourceTable<GatewayInfo>.Of(gateways))
        {
            Consumers = ConsumerTable.Of(consumers, namespaceTable),
        };
    }

    /// <summary>This snapshot with its Namespace table changed by <paramref name="change"/>, and the Namespace consumers with it.</summary>
    public ClusterSnapshot WithNamespaces(ResourceTable<NamespaceInfo> namespaces, TableChange change) =>
        ReferenceEquals(namespaces, Namespaces) ? this : this with { Namespaces = namespaces, Consumers = Consumers.WithNamespaces(namespaces, change) };

    /// <summary>This snapshot with one consumer feed changed.</summary>
    public ClusterSnapshot WithConsumers(ConsumerFeed feed, ResourceTable<EnrollingSubject> table, TableChange change) =>
        this with { Consumers = Consumers.WithFeed(feed, table, change) };

    public GatewayInfo? GetGateway(string @namespace, string name) => Gateways.Get(new ObjectKey(@namespace, name));

    public GatewayClassInfo? GetGatewayClass(string name) => GatewayClasses.Get(ObjectKey.Cluster(name));

    public NamespaceInfo? GetNamespace(string name) => Namespaces.Get(ObjectKey.Cluster(name));

    /// <summary>A scan: a GatewayClass change is rare and a cluster has few Gateways.</summary>
    public IEnumerable<GatewayInfo> GatewaysOfClass(string className)
    {
        foreach (var (_, entry) in Gateways.Entries)
        {
            if (entry.Item.ClassName == className)
            {
                yield return entry.Item;
            }
        }
    }
}
