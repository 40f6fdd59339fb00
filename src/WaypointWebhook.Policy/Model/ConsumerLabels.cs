namespace WaypointWebhook.Policy.Model;

/// <summary>
/// The label keys the rules read from a consumer that is not a Namespace (its own labels, a ServiceEntry
/// endpoint's, a WorkloadEntry's <c>spec.labels</c>): what the consumer index keeps of 100,000 Pods. A
/// Namespace keeps every label: a waypoint's <c>allowedRoutes</c> selector may read any of them.
/// </summary>
public static class ConsumerLabels
{
    public static readonly IReadOnlySet<string> Read = new HashSet<string>(StringComparer.Ordinal)
    {
        WaypointLabels.UseWaypoint,
        WaypointLabels.UseWaypointNamespace,
        WaypointLabels.UseWaypointCanary,
        WaypointLabels.UseWaypointCanaryNamespace,
        WaypointLabels.DataplaneMode,
        WaypointLabels.IngressUseWaypoint,
        WaypointLabels.ManagedGateway,
        WaypointLabels.GatewayName,
    };
}
