using FluentValidation;
using WaypointWebhook.Policy.Checks;
using WaypointWebhook.Policy.Findings;
using WaypointWebhook.Policy.Messages;
using WaypointWebhook.Policy.Model;
using WaypointWebhook.Policy.Syntax;

namespace WaypointWebhook.Policy.Rules;

/// <summary>
/// W1..W4: the enrollment labels themselves. A value that fails W1 or W2 is never looked up, since
/// istiod would search for a Gateway that cannot exist.
/// </summary>
public static class ReferenceSyntaxRules
{
    public static void Define(AbstractValidator<EnrollmentCheck> rules)
    {
        // W1: not `none` and not a Gateway name; `None`, `NONE` and "" are names to istiod, found never.
        rules.RuleFor(c => c.UseWaypoint)
            .Must((c, _) => c.IsNameValid)
            .When(c => c.NamesWaypoint)
            .Reports("W1", ReasonCodes.InvalidLabelValue, Verdict.Deny, WaypointLabels.UseWaypoint, InvalidName);

        // W2: the namespace half of a cross-namespace reference. istiod reads it only beside a
        // use-waypoint that names a waypoint: after `none`, or alone, it is never read (W3, W4).
        rules.RuleFor(c => c.UseWaypointNamespace)
            .Must((c, _) => c.IsNamespaceValid)
            .When(c => c.HasUseWaypointNamespace && c.NamesWaypoint)
            .Reports("W2", ReasonCodes.InvalidLabelValue, Verdict.Deny, WaypointLabels.UseWaypointNamespace, c =>
                $"{c.Who}: label {WaypointLabels.UseWaypointNamespace}=\"{Text.Quote(c.UseWaypointNamespace)}\" is not a valid namespace name " +
                "(a lowercase DNS-1123 label of at most 63 characters), so no waypoint can be found there. " +
                $"Fix: set it to the namespace of the waypoint Gateway{Text.Suggest(c.UseWaypointNamespace, KubernetesNames.IsDns1123Label)}, " +
                $"or remove it when the waypoint is in {c.ConsumerNamespace}.");

        // W3: the namespace label alone is never read. istiod then inherits the namespace's waypoint, so the
        // object is served as before: a warning, not a deny (decision D1, docs/rules-v2-decisions.md).
        rules.RuleFor(c => c.UseWaypointNamespace)
            .Must((c, _) => c.UseWaypoint is not null)
            .When(c => c.HasUseWaypointNamespace)
            .Reports("W3", ReasonCodes.NamespaceWithoutWaypoint, Verdict.Warn, WaypointLabels.UseWaypointNamespace, c =>
                $"{c.Who}: label {WaypointLabels.UseWaypointNamespace}={Text.Quote(c.UseWaypointNamespace)} is set without " +
                $"{WaypointLabels.UseWaypoint}, and istiod ignores it: the object uses namespace {c.ConsumerNamespace}'s waypoint, if any. " +
                $"Fix: add {WaypointLabels.UseWaypoint}=<waypoint name> beside it, or remove {WaypointLabels.UseWaypointNamespace}.");

        // W4: opting out makes the namespace label meaningless.
        rules.RuleFor(c => c.UseWaypointNamespace)
            .Must((c, _) => !c.IsOptOut)
            .When(c => c.HasUseWaypointNamespace)
            .Reports("W4", ReasonCodes.IgnoredLabel, Verdict.Warn, WaypointLabels.UseWaypointNamespace, c =>
                $"{c.Who}: {WaypointLabels.UseWaypointNamespace}={Text.Quote(c.UseWaypointNamespace)} is ignored because " +
                $"{WaypointLabels.UseWaypoint}=none opts out of waypoints. Fix: remove {WaypointLabels.UseWaypointNamespace}.");
    }

    private static string InvalidName(EnrollmentCheck c)
    {
        var value = c.UseWaypoint ?? string.Empty;
        var problem = $"{c.Who}: label {WaypointLabels.UseWaypoint}=\"{Text.Quote(value)}\" is not a valid waypoint name " +
            "(a Gateway name: a lowercase DNS-1123 subdomain of at most 63 characters); istiod would look for a Gateway " +
            "that cannot exist and leave the traffic without a waypoint. ";
        return value.Length == 0 || string.Equals(value, WaypointLabels.OptOut, StringComparison.OrdinalIgnoreCase)
            ? problem + $"Fix: to opt out of the namespace's waypoint use the exact lowercase value \"none\"; to use a waypoint, set its Gateway name."
            : problem + $"Fix: set the name of the waypoint Gateway{Text.Suggest(value, v => KubernetesNames.IsDns1123Subdomain(v, KubernetesNames.MaxLabelLength))}, or \"none\" to opt out.";
    }
}
