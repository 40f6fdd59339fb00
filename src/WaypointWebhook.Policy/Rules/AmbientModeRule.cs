using FluentValidation;
using WaypointWebhook.Policy.Checks;
using WaypointWebhook.Policy.Findings;
using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Policy.Rules;

/// <summary>
/// W11: a waypoint only affects traffic that ztunnel captures. A Namespace, Pod or pod template that
/// names a waypoint outside ambient mode gets nothing from it, yet.
/// </summary>
public static class AmbientModeRule
{
    public static void Define(AbstractValidator<EnrollmentCheck> rules)
    {
        rules.RuleFor(c => c.InAmbient)
            .Equal(true)
            .When(c => c.Enrollment.IsObjectLevel
                       && c.Subject.Kind is SubjectKind.Namespace or SubjectKind.Pod or SubjectKind.PodTemplate
                       && c.NamesWaypoint)
            .Reports("W11", ReasonCodes.NotInAmbient, Verdict.Warn, WaypointLabels.UseWaypoint, c =>
                c.Subject.Kind == SubjectKind.Namespace
                    ? $"{c.Who}: {c.Reference}: istiod binds the waypoint, but the namespace is not in ambient mode, so ztunnel captures none of its traffic and the waypoint sees none of it. " +
                      $"Fix: kubectl label namespace {c.ConsumerNamespace} {WaypointLabels.DataplaneMode}=ambient"
                    : $"{c.Who}: {c.Reference}: istiod binds the waypoint, but neither it nor namespace {c.ConsumerNamespace} is in ambient mode, so ztunnel captures none of its traffic. " +
                      $"Fix: kubectl label namespace {c.ConsumerNamespace} {WaypointLabels.DataplaneMode}=ambient");
    }
}
