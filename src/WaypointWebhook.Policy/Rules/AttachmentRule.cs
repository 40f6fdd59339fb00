using FluentValidation;
using WaypointWebhook.Policy.Checks;
using WaypointWebhook.Policy.Findings;
using WaypointWebhook.Policy.Messages;
using WaypointWebhook.Policy.Model;
using WaypointWebhook.Policy.Resolution;

namespace WaypointWebhook.Policy.Rules;

/// <summary>
/// W8: the waypoint's attachment listener must admit the consumer namespace through its
/// <c>allowedRoutes.namespaces</c>; the default <c>Same</c> refuses every other namespace.
/// </summary>
public static class AttachmentRule
{
    public static void Define(AbstractValidator<EnrollmentCheck> rules)
    {
        rules.RuleFor(c => c.Waypoint)
            .Must(w => w is null || w.AttachmentAllowed)
            .Reports("W8", ReasonCodes.AttachmentDenied, Verdict, c => c.UseWaypointField, Scope, EnrollmentCheck.AboutWaypoint((c, w) =>
                $"{c.Who}: {c.Reference} refers to waypoint {w}, whose {Why(c, w)}, so namespace {c.ConsumerNamespace} may not use it; " +
                $"{Istiod.Outcome(c.Subject, ReasonCodes.AttachmentDenied)} Fix: on the Gateway's {ListenerName(w)}, set allowedRoutes.namespaces.from: " +
                $"All, or from: Selector with a selector that matches {c.ConsumerNamespace} (e.g. matchLabels " +
                $"{WaypointLabels.NamespaceName}: {c.ConsumerNamespace})."));
    }

    /// <summary>
    /// A selector judged on a namespace nobody could describe (created a moment ago, not yet in the view,
    /// and the API server did not answer) would deny on a guess: warn instead (spec section 3).
    /// </summary>
    /// <summary>A Namespace whose label change broke a Selector attachment keeps the deny on UPDATE (spec section 5).</summary>
    private static string Scope(EnrollmentCheck c) =>
        c.LabelChangeBrokeAttachment ? ChangeDetector.NamespaceLabelsScope : c.Enrollment.Labels.Field;

    private static Verdict Verdict(EnrollmentCheck c) =>
        c.ConsumerNamespaceUnconfirmed && Attachment.FromOf(c.Waypoint?.AttachmentListener) == Attachment.FromSelector
            ? Model.Verdict.Warn
            : Model.Verdict.Deny;

    private static string Why(EnrollmentCheck c, WaypointGateway waypoint)
    {
        if (waypoint.AttachmentListener is not { } listener)
        {
            return "Gateway has no attachment listener (HBONE on port 15008), which means from: Same";
        }

        return (Attachment.FromOf(listener), listener.Namespaces) switch
        {
            (Attachment.FromSelector, { Selector: null }) =>
                $"{ListenerName(waypoint)} has allowedRoutes from: Selector without a selector, which matches no namespace",
            (Attachment.FromSelector, _) =>
                $"{ListenerName(waypoint)} admits only namespaces matching its allowedRoutes selector, and {c.ConsumerNamespace}'s labels do not",
            (_, { From: null } or null) =>
                $"{ListenerName(waypoint)} admits only its own namespace ({waypoint.Namespace}; allowedRoutes.namespaces.from defaults to Same)",
            var (from, _) =>
                $"{ListenerName(waypoint)} admits only its own namespace ({waypoint.Namespace}; allowedRoutes.namespaces.from: {Text.Quote(from)})",
        };
    }

    private static string ListenerName(WaypointGateway waypoint) =>
        waypoint.AttachmentListener is { } l
            ? $"listener \"{Text.Quote(l.Name)}\" ({Text.Quote(l.Protocol)}/{l.Port})"
            : $"HBONE listener (port {ListenerProtocols.HbonePort})";
}
