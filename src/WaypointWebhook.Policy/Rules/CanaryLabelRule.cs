using FluentValidation;
using WaypointWebhook.Policy.Checks;
using WaypointWebhook.Policy.Findings;
using WaypointWebhook.Policy.Messages;
using WaypointWebhook.Policy.Model;
using WaypointWebhook.Policy.Syntax;

namespace WaypointWebhook.Policy.Rules;

/// <summary>
/// C1: the canary's labels and weight must be usable values; istiod then uses the primary only (a canary name
/// or namespace that cannot exist is never found, a weight that is not a Go integer in 0..100 is
/// <c>CanaryInvalidWeight</c>). Warnings: the primary keeps serving.
/// </summary>
public static class CanaryLabelRule
{
    public static void Define(AbstractValidator<EnrollmentCheck> rules)
    {
        rules.RuleFor(c => c.Canary)
            .Must(canary => canary is null || canary.IsNameValid)
            .When(c => c.Canary is { Active: true })
            .Reports("C1", ReasonCodes.InvalidLabelValue, _ => Verdict.Warn, c => CanaryText.Field(c, WaypointLabels.UseWaypointCanary), CanaryText.Scope, CanaryText.About((c, canary) =>
                $"{c.Who}: {CanaryText.Describe(c, canary)} is not a valid Gateway name (a lowercase DNS-1123 subdomain of at most 63 characters); " +
                $"{CanaryText.KeepsPrimary(c, "waypoint not found")} Fix: set the canary Gateway's name" +
                $"{Text.Suggest(canary.Value, v => KubernetesNames.IsDns1123Subdomain(v, KubernetesNames.MaxLabelLength))}, or remove {WaypointLabels.UseWaypointCanary}."));

        rules.RuleFor(c => c.Canary)
            .Must(canary => canary is null || canary.IsNamespaceValid)
            .When(c => c.Canary is { Active: true })
            .Reports("C1", ReasonCodes.InvalidLabelValue, _ => Verdict.Warn, c => CanaryText.Field(c, WaypointLabels.UseWaypointCanaryNamespace), CanaryText.Scope, CanaryText.About((c, canary) =>
                $"{c.Who}: {WaypointLabels.UseWaypointCanaryNamespace}=\"{Text.Quote(canary.NamespaceValue)}\" is not a valid namespace name; " +
                $"{CanaryText.KeepsPrimary(c, "waypoint not found")} Fix: set the canary's namespace" +
                $"{Text.Suggest(canary.NamespaceValue, KubernetesNames.IsDns1123Label)}, or remove it when the canary is in {c.ConsumerNamespace}."));

        rules.RuleFor(c => c.Canary)
            .Must(canary => canary is null || canary.IsWeightValid)
            .When(c => c.Canary is { Active: true })
            .Reports("C1", ReasonCodes.InvalidLabelValue, _ => Verdict.Warn, _ => CanaryText.WeightField, CanaryText.Scope, CanaryText.About((c, canary) =>
                $"{c.Who}: annotation {WaypointLabels.CanaryWeightAnnotation}=\"{Text.Quote(canary.Weight)}\"" +
                $"{(canary.WeightInherited ? $" (inherited from Namespace {c.ConsumerNamespace})" : string.Empty)} is not an integer from 0 to 100; " +
                $"{CanaryText.KeepsPrimary(c, $"canary waypoint \\\"{canary.Target}\\\" has an invalid weight; must be an integer in [0,100]")} " +
                "Fix: set a whole number from 0 to 100, e.g. \"10\"."));
    }
}
