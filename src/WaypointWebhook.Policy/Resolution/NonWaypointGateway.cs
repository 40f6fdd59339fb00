using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Policy.Resolution;

/// <summary>A Gateway that is not a waypoint by its class, nor a sandwich waypoint (an ingress or east-west gateway).</summary>
/// <param name="ClassController">Its GatewayClass's controller, when known.</param>
/// <param name="Certain">Its controller is one of Istio's non-waypoint controllers; otherwise it may be a third-party waypoint.</param>
public sealed record NonWaypointGateway(ObjectKey Key, GatewayInfo Gateway, string? ClassController, bool Certain) : ResolvedWaypoint(Key);
