using FluentValidation;
using WaypointWebhook.Policy.Checks;

namespace WaypointWebhook.Policy.Rules;

/// <summary>Every rule about a GatewayClass under admission (G1).</summary>
public sealed class GatewayClassRules : AbstractValidator<GatewayClassCheck>
{
    public GatewayClassRules()
    {
        WaypointForLabelRule.Define(this);
    }
}
