using WaypointWebhook.Policy.Configuration;
using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Policy.Checks;

/// <summary>A GatewayClass under admission (G1).</summary>
public sealed class GatewayClassCheck(GatewayClassInfo gatewayClass, PolicyOptions options) : ITrafficTypeLabelled
{
    public ObjectRef Object { get; } = new("GatewayClass", null, gatewayClass.Name);

    public string? WaypointFor => gatewayClass.WaypointFor;

    public bool IsWaypoint { get; } = gatewayClass.ControllerName is { } controller && options.WaypointControllers.Contains(controller);
}
