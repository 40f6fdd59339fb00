using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Cluster;

/// <summary>
/// One admission's view: a snapshot plus what the API server said about the objects the snapshot
/// lacked (found now, or could not be confirmed either way).
/// </summary>
public sealed class ConfirmedView(
    IClusterView snapshot,
    IReadOnlyDictionary<ObjectKey, GatewayInfo> foundGateways,
    IReadOnlyDictionary<string, NamespaceInfo> foundNamespaces,
    IReadOnlySet<ObjectKey> unconfirmedGateways,
    IReadOnlySet<string> unconfirmedNamespaces) : IClusterView
{
    public GatewayInfo? GetGateway(string @namespace, string name) =>
        snapshot.GetGateway(@namespace, name) ?? foundGateways.GetValueOrDefault(new ObjectKey(@namespace, name));

    public GatewayClassInfo? GetGatewayClass(string name) => snapshot.GetGatewayClass(name);

    public NamespaceInfo? GetNamespace(string name) => snapshot.GetNamespace(name) ?? foundNamespaces.GetValueOrDefault(name);

    public bool IsUnconfirmedGateway(ObjectKey gateway) => unconfirmedGateways.Contains(gateway);

    public bool IsUnconfirmedNamespace(string name) => unconfirmedNamespaces.Contains(name);

    public IConsumerIndex Consumers => snapshot.Consumers;

    public IEnumerable<GatewayInfo> GatewaysOfClass(string className) => snapshot.GatewaysOfClass(className);
}
