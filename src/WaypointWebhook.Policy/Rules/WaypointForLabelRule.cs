using FluentValidation;
using WaypointWebhook.Policy.Checks;
using WaypointWebhook.Policy.Findings;
using WaypointWebhook.Policy.Messages;
using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Policy.Rules;

/// <summary>
/// G1: <c>istio.io/waypoint-for</c> on a Gateway or GatewayClass must be one of the four values istiod
/// knows, matched case-sensitively; anything else makes the waypoint accept no traffic. Denied on waypoints
/// only: an ingress Gateway carrying the label is deployed and served normally (decision D4).
/// </summary>
public static class WaypointForLabelRule
{
    public static void Define<T>(AbstractValidator<T> rules)
        where T : ITrafficTypeLabelled
    {
        rules.RuleFor(c => c.WaypointFor)
            .Must(value => value is null || TrafficTypes.IsKnown(value))
            .When(c => c.WaypointFor is not null)
            .Reports(
                "G1",
                ReasonCodes.InvalidTrafficType,
                c => c.IsWaypoint ? Verdict.Deny : Verdict.Warn,
                _ => $"metadata.labels[{WaypointLabels.WaypointFor}]",
                _ => GatewayCheck.Scope,
                c =>
                {
                    var lower = (c.WaypointFor ?? string.Empty).ToLowerInvariant();
                    var fix = TrafficTypes.IsKnown(lower)
                        ? $"use the lowercase value \"{lower}\""
                        : "use one of service (the default), workload, all, none";
                    return $"{c.Object}: label {WaypointLabels.WaypointFor}=\"{Text.Quote(c.WaypointFor)}\" is not one of service, workload, " +
                           $"all, none (case-sensitive); istiod would make {(c.IsWaypoint ? "the waypoint" : "it, were it used as a waypoint,")} accept no traffic. Fix: {fix}.";
                });
    }
}
