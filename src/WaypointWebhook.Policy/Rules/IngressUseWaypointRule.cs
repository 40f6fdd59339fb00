using FluentValidation;
using WaypointWebhook.Policy.Checks;
using WaypointWebhook.Policy.Findings;
using WaypointWebhook.Policy.Messages;
using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Policy.Rules;

/// <summary>
/// W10: <c>istio.io/ingress-use-waypoint</c> is parsed with Go's <c>strconv.ParseBool</c>; anything else
/// silently means false.
/// </summary>
public static class IngressUseWaypointRule
{
    private static readonly HashSet<string> GoBooleans = new(StringComparer.Ordinal)
    {
        "1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False",
    };

    public static void Define(AbstractValidator<EnrollmentCheck> rules)
    {
        rules.RuleFor(c => c.Enrollment.Labels.Get(WaypointLabels.IngressUseWaypoint))
            .Must(value => value is null || GoBooleans.Contains(value))
            .When(c => c.Enrollment.IsObjectLevel
                       && c.Subject.Kind is SubjectKind.Service or SubjectKind.ServiceEntry or SubjectKind.Namespace
                       && c.Enrollment.Labels.Has(WaypointLabels.IngressUseWaypoint))
            .Reports("W10", ReasonCodes.InvalidLabelValue, Verdict.Warn, WaypointLabels.IngressUseWaypoint, c =>
                $"{c.Who}: label {WaypointLabels.IngressUseWaypoint}=\"{Text.Quote(c.Enrollment.Labels.Get(WaypointLabels.IngressUseWaypoint))}\" " +
                "is not a boolean; istiod treats it as false. Fix: use \"true\" or \"false\".");
    }
}
