using FluentValidation;
using WaypointWebhook.Policy.Checks;
using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Policy.Rules;

/// <summary>
/// G1: <c>istio.io/waypoint-for</c> on a Gateway or GatewayClass must be one of the four values istiod
/// knows, matched case-sensitively; anything else makes the waypoint accept no traffic.
/// </summary>
public static class WaypointForLabelRule
{
    public static void Define<T>(AbstractValidator<T> rules)
        where T : ITrafficTypeLabelled
    {
        rules.RuleFor(c => c.WaypointFor)
            .Must(value => TrafficTypes.IsKnown(value!))
            .When(c => c.WaypointFor is not null)
            .Reports(
                "G1",
                ReasonCodes.InvalidTrafficType,
                _ => Verdict.Deny,
                _ => $"metadata.labels[{WaypointLabels.WaypointFor}]",
                _ => GatewayCheck.Scope,
                c =>
                {
                    var lower = c.WaypointFor!.ToLowerInvariant();
                    var fix = TrafficTypes.IsKnown(lower)
                        ? $"use the lowercase value \"{lower}\""
                        : "use one of service (the default), workload, all, none";
                    return $"{c.Object}: label {WaypointLabels.WaypointFor}=\"{Text.Quote(c.WaypointFor)}\" is not one of service, workload, " +
                           $"all, none (case-sensitive); istiod would make the waypoint accept no traffic. Fix: {fix}.";
                });
    }
}
