using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Policy.Resolution;

/// <summary>A Gateway whose class makes it no waypoint (an ingress or east-west gateway).</summary>
/// <param name="ClassController">Its GatewayClass's controller, when the class is known.</param>
public sealed record NonWaypointGateway(ObjectKey Key, GatewayInfo Gateway, string? ClassController) : ResolvedWaypoint(Key);
