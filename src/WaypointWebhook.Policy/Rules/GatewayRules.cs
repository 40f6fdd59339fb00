using FluentValidation;

namespace WaypointWebhook.Policy.Rules;

/// <summary>Every rule about a Gateway under admission (G1..G3).</summary>
public sealed class GatewayRules : AbstractValidator<GatewayCheck>
{
    public GatewayRules()
    {
        Include(new TrafficTypeLabelRule());
        Include(new AllowedRoutesRule());
        Include(new ListenerShapeRule());
    }
}

/// <summary>Every rule about a GatewayClass under admission (G1).</summary>
public sealed class GatewayClassRules : AbstractValidator<GatewayClassCheck>
{
    public GatewayClassRules()
    {
        Include(new TrafficTypeLabelRule());
    }
}
