using FluentValidation;
using WaypointWebhook.Policy.Checks;
using WaypointWebhook.Policy.Findings;
using WaypointWebhook.Policy.Messages;
using WaypointWebhook.Policy.Model;
using WaypointWebhook.Policy.Resolution;

namespace WaypointWebhook.Policy.Rules;

/// <summary>
/// G2: a waypoint's attachment listener with <c>from: Selector</c> needs a valid selector. Without one it
/// matches no namespace, not even the waypoint's own, and every enrollment silently fails.
/// </summary>
public static class AllowedRoutesRule
{
    public static void Define(AbstractValidator<GatewayCheck> rules)
    {
        rules.RuleFor(c => c.AttachmentListener)
            .Must(listener => listener is null || Problem(listener) is null)
            .When(c => c.IsWaypoint && Attachment.FromOf(c.AttachmentListener) == Attachment.FromSelector)
            .Reports(
                "G2",
                ReasonCodes.InvalidAllowedRoutes,
                _ => Verdict.Deny,
                c => $"spec.listeners[{c.AttachmentListenerIndex}].allowedRoutes.namespaces.selector",
                _ => GatewayCheck.Scope,
                c => $"{c.Object}: listener \"{Text.Quote(c.AttachmentListener?.Name)}\" has allowedRoutes.namespaces.from: Selector " +
                     $"{(c.AttachmentListener is { } listener ? Problem(listener) : null)}, so no namespace (not even {c.Gateway.Namespace}) can use this waypoint. " +
                     $"Fix: give it a valid selector (e.g. matchLabels {WaypointLabels.NamespaceName}: <namespace>), or use from: Same or All.");
    }

    private static string? Problem(ListenerInfo listener) =>
        listener.Namespaces?.Selector is { } selector
            ? LabelSelectors.Problem(selector) is { } problem ? $"with an invalid selector ({problem})" : null
            : "without a selector, which matches nothing";
}
