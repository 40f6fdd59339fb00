using FluentValidation;

namespace WaypointWebhook.Policy.Rules;

/// <summary>Every rule about a Gateway under admission (G1..G3).</summary>
public sealed class GatewayRules : AbstractValidator<GatewayCheck>
{
    public GatewayRules()
    {
        TrafficTypeLabelRule.Define(this);
        AllowedRoutesRule.Define(this);
        ListenerShapeRule.Define(this);
    }
}

/// <summary>Every rule about a GatewayClass under admission (G1).</summary>
public sealed class GatewayClassRules : AbstractValidator<GatewayClassCheck>
{
    public GatewayClassRules()
    {
        TrafficTypeLabelRule.Define(this);
    }
}
