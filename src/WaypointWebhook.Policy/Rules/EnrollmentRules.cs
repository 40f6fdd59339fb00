using FluentValidation;

namespace WaypointWebhook.Policy.Rules;

/// <summary>Every rule about one enrollment (W1..W11), in the spec's order.</summary>
public sealed class EnrollmentRules : AbstractValidator<EnrollmentCheck>
{
    public EnrollmentRules()
    {
        Include(new ReferenceSyntaxRules());
        Include(new WaypointReadinessRule());
        Include(new NotAWaypointRule());
        Include(new TrafficTypeRule());
        Include(new AttachmentRule());
        Include(new IngressUseWaypointRule());
        Include(new AmbientModeRule());
    }
}
