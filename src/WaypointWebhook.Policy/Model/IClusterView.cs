namespace WaypointWebhook.Policy.Model;

/// <summary>
/// The read-only cluster state the policy consults. Implementations are in memory (a snapshot of watch
/// caches or of manifest files), so evaluation never waits on the API server.
/// </summary>
public interface IClusterView
{
    GatewayInfo? GetGateway(string @namespace, string name);

    GatewayClassInfo? GetGatewayClass(string name);

    NamespaceInfo? GetNamespace(string name);

    /// <summary>
    /// Whether the view's miss of this Gateway could not be confirmed with the API server (it did not
    /// answer in time): a denial must not rest on it. A snapshot of files knows its misses are misses.
    /// </summary>
    bool IsUnconfirmedGateway(ObjectKey gateway) => false;

    /// <summary>Whether the view does not know this Namespace and the API server could not be asked or did not know it either.</summary>
    bool IsUnconfirmedNamespace(string name) => false;

    /// <summary>The objects that name a waypoint (spec section 7): what the reverse check and the audit judge.</summary>
    IConsumerIndex Consumers => NoConsumers.Instance;

    /// <summary>The Gateways of this class: what a GatewayClass change can affect.</summary>
    IEnumerable<GatewayInfo> GatewaysOfClass(string className) => [];
}
