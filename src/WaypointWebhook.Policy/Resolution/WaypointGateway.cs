using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Policy.Resolution;

/// <summary>A waypoint: the traffic it accepts, the listener whose allowedRoutes decide, and their verdict on the consumer.</summary>
/// <param name="AttachmentListener">Null when the Gateway has no listener that receives mesh traffic (then <c>Same</c>).</param>
public sealed record WaypointGateway(
    ObjectKey Key,
    GatewayInfo Gateway,
    TrafficType TrafficType,
    ListenerInfo? AttachmentListener,
    bool AttachmentAllowed) : ResolvedWaypoint(Key);
