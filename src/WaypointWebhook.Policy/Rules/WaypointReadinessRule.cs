using FluentValidation;
using WaypointWebhook.Policy.Checks;
using WaypointWebhook.Policy.Findings;
using WaypointWebhook.Policy.Model;
using WaypointWebhook.Policy.Resolution;

namespace WaypointWebhook.Policy.Rules;

/// <summary>
/// W5: the waypoint does not exist yet (GitOps may apply it later) or is not programmed yet. Both may
/// still become right, so they warn; a missing Gateway denies only when configured to, and only when its
/// absence is certain (a live view that could not confirm a miss with the API server only warns).
/// </summary>
public static class WaypointReadinessRule
{
    public static void Define(AbstractValidator<EnrollmentCheck> rules)
    {
        rules.RuleFor(c => c.Target)
            .Must(target => target is not MissingGateway)
            .Reports(
                "W5",
                ReasonCodes.WaypointIsNotReady,
                c => c.TargetUnconfirmed ? Verdict.Warn : c.Options.MissingWaypointVerdict,
                c => c.UseWaypointField,
                c => c.Enrollment.Labels.Field,
                c => $"{c.Who}: {c.Reference} refers to waypoint Gateway {c.Target}, which does not exist; until it does, " +
                     $"{Istiod.Outcome(c.Subject, ReasonCodes.WaypointIsNotReady)} Fix: create it (istioctl waypoint apply -n {c.Target?.Namespace} " +
                     $"--name {c.Target?.Name}) or correct the name.");

        // A Gateway with no status at all comes from a manifest file (the API server always defaults one),
        // so its readiness is unknown rather than false.
        rules.RuleFor(c => c.Waypoint)
            .Must(waypoint => waypoint?.Gateway.HasAddresses != false)
            .Reports(
                "W5",
                ReasonCodes.WaypointIsNotReady,
                _ => Verdict.Warn,
                c => c.UseWaypointField,
                c => c.Enrollment.Labels.Field,
                EnrollmentCheck.AboutWaypoint((c, w) =>
                    $"{c.Who}: waypoint {w} has no status.addresses yet (not programmed); until it is, " +
                    $"{Istiod.Outcome(c.Subject, ReasonCodes.WaypointIsNotReady)} Check: kubectl get gateway -n {w.Namespace} {w.Name}"));
    }
}
