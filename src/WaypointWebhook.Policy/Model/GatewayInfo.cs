namespace WaypointWebhook.Policy.Model;

/// <summary>The lean projection of a Gateway (gateway.networking.k8s.io): only what the rules read.</summary>
/// <param name="HasAddresses">Whether <c>status.addresses</c> is non-empty; null when the object has no status at all
/// (a manifest file: the API server always defaults a Gateway's status), so readiness is unknown.</param>
/// <param name="InfrastructureLabels"><c>spec.infrastructure.labels</c>: istiod's deployment controller puts them on the Gateway's pods.</param>
/// <param name="Defaulted">The annotation <c>waypoint.istio.io/defaulted</c> (<see cref="WaypointLabels.DefaultedAnnotation"/>), null when
/// absent: <c>waypoint-for</c> says the mutation stamped the Gateway's <c>istio.io/waypoint-for</c>, not a person (spec sections 6, 7).</param>
public sealed record GatewayInfo(
    string Namespace,
    string Name,
    string ClassName,
    IReadOnlyDictionary<string, string> Labels,
    string? InboundBinding,
    IReadOnlyList<ListenerInfo> Listeners,
    bool? HasAddresses,
    IReadOnlyDictionary<string, string>? InfrastructureLabels = null,
    string? Defaulted = null)
{
    public string? WaypointFor => Labels.GetValueOrDefault(WaypointLabels.WaypointFor);

    /// <summary>Whether its <c>istio.io/waypoint-for</c> is the mutation's stamp: the label is there and the annotation names it.</summary>
    public bool WaypointForStamped =>
        WaypointFor is not null
        && Defaulted is { } defaulted
        && defaulted.Split(',').Any(part => part.Trim() == WaypointLabels.WaypointFor);

    public override string ToString() => $"{Namespace}/{Name}";
}
