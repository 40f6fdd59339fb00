namespace WaypointWebhook.Policy.Model;

/// <summary>The lean projection of a Gateway (gateway.networking.k8s.io): only what the rules read.</summary>
/// <param name="HasAddresses">Whether <c>status.addresses</c> is non-empty; null when the object has no status at all
/// (a manifest file: the API server always defaults a Gateway's status), so readiness is unknown.</param>
public sealed record GatewayInfo(
    string Namespace,
    string Name,
    string ClassName,
    IReadOnlyDictionary<string, string> Labels,
    string? InboundBinding,
    IReadOnlyList<ListenerInfo> Listeners,
    bool? HasAddresses)
{
    public string? WaypointFor => Labels.GetValueOrDefault(WaypointLabels.WaypointFor);

    public override string ToString() => $"{Namespace}/{Name}";
}

/// <summary>One Gateway listener; <see cref="Namespaces"/> is <c>allowedRoutes.namespaces</c>, null when absent.</summary>
public sealed record ListenerInfo(string? Name, int Port, string? Protocol, RouteNamespaces? Namespaces);

/// <summary><c>allowedRoutes.namespaces</c>: <see cref="From"/> null when absent (Same); <see cref="Selector"/> null when absent.</summary>
public sealed record RouteNamespaces(string? From, LabelSelector? Selector);

/// <summary>A Kubernetes label selector as written; validity is checked separately (rule G2).</summary>
public sealed record LabelSelector(
    IReadOnlyDictionary<string, string?>? MatchLabels,
    IReadOnlyList<LabelSelectorRequirement>? MatchExpressions);

public sealed record LabelSelectorRequirement(string? Key, string? Operator, IReadOnlyList<string?>? Values);

/// <summary>The lean projection of a GatewayClass.</summary>
public sealed record GatewayClassInfo(
    string Name,
    string? ControllerName,
    IReadOnlyDictionary<string, string> Labels,
    string? InboundBinding)
{
    public string? WaypointFor => Labels.GetValueOrDefault(WaypointLabels.WaypointFor);
}

/// <summary>The lean projection of a Namespace: its name and labels.</summary>
public sealed record NamespaceInfo(string Name, IReadOnlyDictionary<string, string> Labels);

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
}
