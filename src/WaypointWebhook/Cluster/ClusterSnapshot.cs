using WaypointWebhook.Objects;
using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Cluster;

/// <summary>An immutable cluster view: built once (from manifests, or a watch cache's state) and read concurrently.</summary>
public sealed class ClusterSnapshot : IClusterView
{
    private readonly Dictionary<(string Namespace, string Name), GatewayInfo> gateways;
    private readonly Dictionary<string, GatewayClassInfo> gatewayClasses;
    private readonly Dictionary<string, NamespaceInfo> namespaces;

    public ClusterSnapshot(IEnumerable<GatewayInfo> gateways, IEnumerable<GatewayClassInfo> gatewayClasses, IEnumerable<NamespaceInfo> namespaces)
    {
        // Later objects win, as a later `kubectl apply` of the same name would.
        this.gateways = new Dictionary<(string, string), GatewayInfo>();
        foreach (var gateway in gateways)
        {
            this.gateways[(gateway.Namespace, gateway.Name)] = gateway;
        }

        this.gatewayClasses = new Dictionary<string, GatewayClassInfo>(StringComparer.Ordinal);
        foreach (var gatewayClass in gatewayClasses)
        {
            this.gatewayClasses[gatewayClass.Name] = gatewayClass;
        }

        this.namespaces = new Dictionary<string, NamespaceInfo>(StringComparer.Ordinal);
        foreach (var ns in namespaces)
        {
            this.namespaces[ns.Name] = ns;
        }
    }

    public int GatewayCount => gateways.Count;

    public int GatewayClassCount => gatewayClasses.Count;

    public int NamespaceCount => namespaces.Count;

    /// <summary>The Gateways, GatewayClasses and Namespaces among <paramref name="manifests"/>; other kinds are ignored.</summary>
    public static ClusterSnapshot From(IEnumerable<Manifest> manifests, string defaultNamespace = "default")
    {
        var gateways = new List<GatewayInfo>();
        var classes = new List<GatewayClassInfo>();
        var namespaces = new List<NamespaceInfo>();
        foreach (var manifest in manifests)
        {
            switch (manifest.Kind.Shape)
            {
                case KindShape.Gateway:
                    gateways.Add(SubjectReader.ToGateway(manifest.Object, defaultNamespace));
                    break;
                case KindShape.GatewayClass:
                    classes.Add(SubjectReader.ToGatewayClass(manifest.Object));
                    break;
                case KindShape.Namespace:
                    namespaces.Add(SubjectReader.ToNamespace(manifest.Object));
                    break;
            }
        }

        return new ClusterSnapshot(gateways, classes, namespaces);
    }

    public GatewayInfo? GetGateway(string @namespace, string name) => gateways.GetValueOrDefault((@namespace, name));

    public GatewayClassInfo? GetGatewayClass(string name) => gatewayClasses.GetValueOrDefault(name);

    public NamespaceInfo? GetNamespace(string name) => namespaces.GetValueOrDefault(name);
}
