using FluentValidation;
using WaypointWebhook.Policy.Checks;
using WaypointWebhook.Policy.Findings;
using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Policy.Rules;

/// <summary>
/// C3 and C4: the canary Gateway, looked up once the primary binds. Missing, not ready, refusing the namespace
/// or accepting no service traffic (C3): istiod keeps the primary, a warning. Not a waypoint at all (C4):
/// istiod would send the weight's share of connections to a gateway that cannot act as one, denied like W6
/// (a warning for a controller the webhook does not know, and for a canary inherited from the namespace).
/// </summary>
public static class CanaryTargetRule
{
    public static void Define(AbstractValidator<EnrollmentCheck> rules)
    {
        rules.RuleFor(c => c.Canary)
            .Must(canary => canary?.Failure is null)
            .When(c => c.Canary is { Failure: not null })
            .Reports(
                c => c.Canary?.Failure?.Reason == ReasonCodes.NotAWaypoint ? "C4" : "C3",
                c => c.Canary?.Failure?.Reason ?? ReasonCodes.WaypointIsNotReady,
                Verdict,
                c => CanaryText.Field(c, WaypointLabels.UseWaypointCanary),
                CanaryText.Scope,
                c =>
                {
                    if (c.Canary is not { Failure: { } failure } canary)
                    {
                        return string.Empty;
                    }

                    return failure.Reason == ReasonCodes.NotAWaypoint
                        ? $"{c.Who}: {CanaryText.Describe(c, canary)} names {failure.Detail}; istiod would send {canary.Weight ?? "0"}% of new connections " +
                          $"to a gateway that cannot act as one. Fix: point {WaypointLabels.UseWaypointCanary} at a waypoint, or remove it."
                        : $"{c.Who}: canary {CanaryText.Describe(c, canary)} fails: {failure.Detail}; " +
                          $"{CanaryText.KeepsPrimary(c, failure.Reason)} Fix: create or fix the canary waypoint {canary.Target}, or remove {WaypointLabels.UseWaypointCanary}.";
                });
    }

    private static Verdict Verdict(EnrollmentCheck c) =>
        c.Canary is { Inherited: false, Failure: { Reason: ReasonCodes.NotAWaypoint, Certain: true } } ? Model.Verdict.Deny : Model.Verdict.Warn;
}
