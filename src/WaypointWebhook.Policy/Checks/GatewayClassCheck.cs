using WaypointWebhook.Policy.Model;
using WaypointWebhook.Policy.Resolution;

namespace WaypointWebhook.Policy.Checks;

/// <summary>A GatewayClass under admission (G1).</summary>
public sealed class GatewayClassCheck(GatewayClassInfo gatewayClass) : ITrafficTypeLabelled
{
    public ObjectRef Object { get; } = new("GatewayClass", null, gatewayClass.Name);

    public string? WaypointFor => gatewayClass.WaypointFor;
}
