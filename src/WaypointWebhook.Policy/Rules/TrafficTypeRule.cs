using FluentValidation;
using WaypointWebhook.Policy.Checks;
using WaypointWebhook.Policy.Findings;
using WaypointWebhook.Policy.Messages;
using WaypointWebhook.Policy.Model;
using WaypointWebhook.Policy.Resolution;

namespace WaypointWebhook.Policy.Rules;

/// <summary>
/// W7 and W9: the waypoint's <c>istio.io/waypoint-for</c> must accept the traffic the subject sends.
/// This is where a Pod enrolled on a service-only waypoint (the default!) is caught: istiod skips it silently.
/// </summary>
public static class TrafficTypeRule
{
    public static void Define(AbstractValidator<EnrollmentCheck> rules)
    {
        // W7: Services and ServiceEntries need service traffic; Pods, pod templates, WorkloadEntries
        // and ServiceEntry endpoints need workload traffic.
        rules.RuleFor(c => c.Waypoint)
            .Must((c, w) => w is null || (c.Enrollment.Needs == TrafficNeed.Service ? w.TrafficType.AcceptsService : w.TrafficType.AcceptsWorkload))
            .When(c => c.Subject.Kind != SubjectKind.Namespace)
            .Reports("W7", ReasonCodes.UnsupportedTrafficType, Verdict.Deny, WaypointLabels.UseWaypoint, EnrollmentCheck.AboutWaypoint((c, w) =>
            {
                var needs = c.Enrollment.Needs == TrafficNeed.Service ? TrafficTypes.Service : TrafficTypes.Workload;
                var sender = c.Enrollment.IsObjectLevel ? c.Subject.Object.Kind : "ServiceEntry endpoint";
                return $"{c.Who}: {c.Reference} refers to waypoint {w}, which {Accepts(w)}, but a {sender} needs {needs} " +
                       $"traffic; {Istiod.Outcome(c.Subject, ReasonCodes.UnsupportedTrafficType)} No L7 policy applies. Fix: {FixFor(w, needs)}";
            }));

        // W9: a namespace waypoint serves the namespace's Services (service) and Pods (workload). Pods
        // skip a service-only one by design; one that accepts nothing is certainly wrong.
        rules.RuleFor(c => c.Waypoint)
            .Must(w => w is null || (TrafficTypes.IsKnown(w.TrafficType.Value) && w.TrafficType.Value != TrafficTypes.None))
            .When(c => c.Subject.Kind == SubjectKind.Namespace)
            .Reports("W9", ReasonCodes.UnsupportedTrafficType, Verdict.Deny, WaypointLabels.UseWaypoint, EnrollmentCheck.AboutWaypoint((c, w) =>
                $"{c.Who}: {c.Reference} refers to waypoint {w}, which {Accepts(w)}; nothing in the namespace would use it. " +
                $"Fix: {FixFor(w, TrafficTypes.Service)}"));

        rules.RuleFor(c => c.Waypoint)
            .Must(w => w?.TrafficType.Value != TrafficTypes.Workload)
            .When(c => c.Subject.Kind == SubjectKind.Namespace)
            .Reports("W9", ReasonCodes.UnsupportedTrafficType, Verdict.Warn, WaypointLabels.UseWaypoint, EnrollmentCheck.AboutWaypoint((c, w) =>
                $"{c.Who}: waypoint {w} handles only workload traffic ({w.TrafficType.Describe()}); Services in " +
                $"{c.Subject.Object.Name} will not use it. Fix: istioctl waypoint apply -n {w.Namespace} --name {w.Name} --for all"));
    }

    private static string Accepts(WaypointGateway waypoint)
    {
        var traffic = waypoint.TrafficType;
        return traffic.Value switch
        {
            TrafficTypes.Service => $"handles only service traffic ({traffic.Describe()})",
            TrafficTypes.Workload => $"handles only workload traffic ({traffic.Describe()})",
            TrafficTypes.None => $"accepts no traffic ({traffic.Describe()})",
            _ => $"has an invalid {WaypointLabels.WaypointFor}=\"{Text.Quote(traffic.Value)}\" and accepts no traffic",
        };
    }

    private static string FixFor(WaypointGateway waypoint, string needs) =>
        $"make the waypoint accept {needs} traffic: istioctl waypoint apply -n {waypoint.Namespace} --name {waypoint.Name} --for all " +
        $"(or kubectl label gateway -n {waypoint.Namespace} {waypoint.Name} {WaypointLabels.WaypointFor}=all --overwrite), " +
        "or use a waypoint that does.";
}
