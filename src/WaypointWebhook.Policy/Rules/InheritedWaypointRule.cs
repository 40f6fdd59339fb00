using FluentValidation;
using WaypointWebhook.Policy.Checks;
using WaypointWebhook.Policy.Findings;
using WaypointWebhook.Policy.Messages;
using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Policy.Rules;

/// <summary>
/// W12: a Service or ServiceEntry without <c>istio.io/use-waypoint</c> of its own inherits its namespace's, and
/// istiod marks it <c>WaypointBound=False</c> when that reference fails for service traffic. Only a warning:
/// the applier of the Service did not write the Namespace's label.
/// </summary>
public static class InheritedWaypointRule
{
    public static void Define(AbstractValidator<EnrollmentCheck> rules)
    {
        rules.RuleFor(c => c.Inherited)
            .Must(inherited => inherited?.Failure is null)
            .When(c => c.IsService)
            .Reports(
                _ => "W12",
                c => c.Inherited?.Failure?.Reason ?? ReasonCodes.WaypointIsNotReady,
                _ => Verdict.Warn,
                c => c.Enrollment.Labels.FieldFor(WaypointLabels.UseWaypoint),
                c => c.Enrollment.Labels.Field,
                c =>
                {
                    if (c.Inherited is not { Failure: { } failure } inherited)
                    {
                        return string.Empty;
                    }

                    return $"{c.Who} has no {WaypointLabels.UseWaypoint} of its own and inherits namespace {Text.Name(inherited.Namespace)}'s " +
                           $"{inherited.Reference}, which fails: {failure.Detail}; {Istiod.Outcome(c.Subject, failure.Reason)} " +
                           $"Fix: correct the Namespace's {WaypointLabels.UseWaypoint}, or give the {c.Subject.Object.Kind} its own " +
                           $"{WaypointLabels.UseWaypoint} (\"none\" to opt out).";
                });
    }
}
