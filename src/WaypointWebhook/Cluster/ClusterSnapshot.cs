using WaypointWebhook.Objects;
using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Cluster;

/// <summary>
/// The cluster as the policy reads it: Namespaces, GatewayClasses and Gateways, together and immutable.
/// An admission reads one snapshot, so it can never see one table changed and another not yet. The live
/// view replaces its snapshot on every change (<see cref="Live.ClusterStore"/>); <c>--cluster-state</c>
/// and <c>analyze</c> build one from files.
/// </summary>
public sealed record ClusterSnapshot(
    ResourceTable<NamespaceInfo> Namespaces,
    ResourceTable<GatewayClassInfo> GatewayClasses,
    ResourceTable<GatewayInfo> Gateways) : IClusterView
{
    public static readonly ClusterSnapshot Empty = new(ResourceTable<NamespaceInfo>.Empty, ResourceTable<GatewayClassInfo>.Empty, ResourceTable<GatewayInfo>.Empty);

    /// <summary>The Gateways, GatewayClasses and Namespaces among <paramref name="manifests"/>; other kinds are ignored.</summary>
    public static ClusterSnapshot From(IEnumerable<Manifest> manifests, string defaultNamespace = "default")
    {
        var gateways = new List<(ObjectKey, GatewayInfo)>();
        var classes = new List<(ObjectKey, GatewayClassInfo)>();
        var namespaces = new List<(ObjectKey, NamespaceInfo)>();
        foreach (var manifest in manifests)
        {
            switch (manifest.Kind.Subject)
            {
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

        return new ClusterSnapshot(ResourceTable<NamespaceInfo>.Of(namespaces), ResourceTable<GatewayClassInfo>.Of(classes), ResourceTable<GatewayInfo>.Of(gateways));
    }

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
