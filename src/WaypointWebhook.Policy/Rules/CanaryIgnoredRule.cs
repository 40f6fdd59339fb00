using FluentValidation;
using WaypointWebhook.Policy.Checks;
using WaypointWebhook.Policy.Findings;
using WaypointWebhook.Policy.Messages;
using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Policy.Rules;

/// <summary>
/// C2: canary keys istiod never reads, or reads to no effect: a canary namespace without a canary, a canary
/// without a primary, canary keys where istiod reads no canary (Pods, WorkloadEntries, WorkloadGroups, pod
/// templates), a weight without a canary, a canary equal to the primary (<c>CanarySameAsPrimary</c>).
/// </summary>
public static class CanaryIgnoredRule
{
    private static readonly string[] CanaryKeys = [WaypointLabels.UseWaypointCanary, WaypointLabels.UseWaypointCanaryNamespace];

    public static void Define(AbstractValidator<EnrollmentCheck> rules)
    {
        rules.RuleFor(c => c.Enrollment.Labels)
            .Must(labels => !labels.Has(WaypointLabels.UseWaypointCanaryNamespace)
                            || labels.Get(WaypointLabels.UseWaypointCanary) is { Length: > 0 } and not WaypointLabels.OptOut)
            .When(c => c.Canary is not null)
            .Reports("C2", ReasonCodes.IgnoredLabel, _ => Verdict.Warn, c => CanaryText.Field(c, WaypointLabels.UseWaypointCanaryNamespace), CanaryText.Scope, c =>
                $"{c.Who}: {WaypointLabels.UseWaypointCanaryNamespace}={Text.Quote(c.Enrollment.Labels.Get(WaypointLabels.UseWaypointCanaryNamespace))} is ignored: " +
                $"{(c.Enrollment.Labels.Has(WaypointLabels.UseWaypointCanary) ? $"{WaypointLabels.UseWaypointCanary}=\"{Text.Quote(c.Enrollment.Labels.Get(WaypointLabels.UseWaypointCanary))}\" asks for no canary" : $"there is no {WaypointLabels.UseWaypointCanary} beside it")}. " +
                $"Fix: remove it, or add {WaypointLabels.UseWaypointCanary}=<canary waypoint name>.");

        rules.RuleFor(c => c.Canary)
            .Must(canary => canary is null || canary.HasPrimary)
            .When(c => c.Canary is { Active: true })
            .Reports("C2", ReasonCodes.IgnoredLabel, _ => Verdict.Warn, c => CanaryText.Field(c, WaypointLabels.UseWaypointCanary), CanaryText.Scope, CanaryText.About((c, canary) =>
                $"{c.Who}: {CanaryText.Describe(c, canary)} is ignored: a canary shares connections with a primary waypoint, and " +
                $"{(c.IsOptOut ? $"{WaypointLabels.UseWaypoint}=none opts out of waypoints" : $"neither it nor namespace {c.ConsumerNamespace} has {WaypointLabels.UseWaypoint}")}. " +
                $"Fix: set {WaypointLabels.UseWaypoint} to the primary waypoint, or remove {WaypointLabels.UseWaypointCanary}."));

        rules.RuleFor(c => c.Canary)
            .Must(canary => canary is null || !canary.SameAsPrimary)
            .When(c => c.Canary is { Active: true, PrimaryBinds: true })
            .Reports("C2", ReasonCodes.IgnoredLabel, _ => Verdict.Warn, c => CanaryText.Field(c, WaypointLabels.UseWaypointCanary), CanaryText.Scope, CanaryText.About((c, canary) =>
                $"{c.Who}: {CanaryText.Describe(c, canary)} names the primary waypoint {canary.Primary} itself (CanarySameAsPrimary); " +
                $"{CanaryText.KeepsPrimary(c, $"canary waypoint \\\"{canary.Target}\\\" must differ from the primary waypoint")} " +
                $"Fix: point {WaypointLabels.UseWaypointCanary} at the new waypoint, or remove it."));

        rules.RuleFor(c => c.Canary)
            .Must(canary => canary is null || canary.Active)
            .When(c => c.Canary is { HasOwnWeight: true })
            .Reports("C2", ReasonCodes.IgnoredLabel, _ => Verdict.Warn, _ => CanaryText.WeightField, CanaryText.Scope, c =>
                $"{c.Who}: annotation {WaypointLabels.CanaryWeightAnnotation}=\"{Text.Quote(c.Subject.Annotation(WaypointLabels.CanaryWeightAnnotation))}\" " +
                $"is ignored: no canary waypoint is in effect. Fix: remove it, or add {WaypointLabels.UseWaypointCanary}=<canary waypoint name>.");

        // Pods, WorkloadEntries, WorkloadGroups and pod templates: istiod reads canaries for Services and ServiceEntries only.
        rules.RuleFor(c => c.Enrollment.Labels)
            .Must(labels => !CanaryKeys.Any(labels.Has))
            .When(c => c.Enrollment.IsObjectLevel && c.Subject.Kind is SubjectKind.Pod or SubjectKind.WorkloadEntry or SubjectKind.WorkloadGroup or SubjectKind.PodTemplate)
            .Reports("C2", ReasonCodes.IgnoredLabel, _ => Verdict.Warn, c => CanaryText.Field(c, CanaryKeys.First(c.Enrollment.Labels.Has)), CanaryText.Scope, c =>
                $"{c.Who}: {string.Join(" and ", CanaryKeys.Where(c.Enrollment.Labels.Has))} is ignored: istiod reads canary waypoints only on " +
                "Services, ServiceEntries and Namespaces. Fix: put the canary on the Service (or the Namespace), or remove the label.");
    }
}
