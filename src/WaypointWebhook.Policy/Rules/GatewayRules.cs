using FluentValidation;
using WaypointWebhook.Policy.Checks;

namespace WaypointWebhook.Policy.Rules;

/// <summary>Every rule about a Gateway under admission (G1..G3).</summary>
public sealed class GatewayRules : AbstractValidator<GatewayCheck>
{
    public GatewayRules()
    {
        WaypointForLabelRule.Define(this);
        AllowedRoutesRule.Define(this);
        ListenerShapeRule.Define(this);
    }
}
