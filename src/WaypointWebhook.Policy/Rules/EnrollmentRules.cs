using FluentValidation;
using WaypointWebhook.Policy.Checks;

namespace WaypointWebhook.Policy.Rules;

/// <summary>
/// Every rule about one enrollment (W1..W14, C1..C4), in the spec's order. Each rule file adds its rules to this
/// one validator, rather than being included as a validator of its own: an included validator costs a
/// child validation context per admission, on the request path of every matching write.
/// </summary>
public sealed class EnrollmentRules : AbstractValidator<EnrollmentCheck>
{
    public EnrollmentRules()
    {
        ReferenceSyntaxRules.Define(this);
        WaypointReadinessRule.Define(this);
        NotAWaypointRule.Define(this);
        TrafficTypeRule.Define(this);
        AttachmentRule.Define(this);
        IngressUseWaypointRule.Define(this);
        AmbientModeRule.Define(this);
        InheritedWaypointRule.Define(this);
        WaypointMissingRule.Define(this);
        CrossNamespaceRule.Define(this);
        CanaryLabelRule.Define(this);
        CanaryIgnoredRule.Define(this);
        CanaryTargetRule.Define(this);
    }
}
