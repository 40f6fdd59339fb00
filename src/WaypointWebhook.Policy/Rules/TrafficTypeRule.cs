using FluentValidation;
using WaypointWebhook.Policy.Model;

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
        rules.RuleFor(c => c.Target)
            .Must((c, t) => c.Enrollment.Needs == TrafficNeed.Service ? t!.TrafficType!.AcceptsService : t!.TrafficType!.AcceptsWorkload)
            .When(c => c.Target is { IsWaypoint: true } && c.Enrollment.Needs != TrafficNeed.NamespaceDefault)
            .Reports("W7", ReasonCodes.UnsupportedTrafficType, Verdict.Deny, WaypointLabels.UseWaypoint, c =>
            {
                var needs = c.Enrollment.Needs == TrafficNeed.Service ? TrafficTypes.Service : TrafficTypes.Workload;
                var sender = c.Enrollment.IsObjectLevel ? c.Subject.Object.Kind : "ServiceEntry endpoint";
                return $"{c.Who}: {c.Reference} refers to waypoint {c.Target}, which {Accepts(c)}, but a {sender} needs {needs} " +
                       $"traffic; istiod would silently skip it and no L7 policy applies. Fix: {FixFor(c, needs)}";
            });

        // W9: a namespace waypoint serves the namespace's Services (service) and Pods (workload). Pods
        // skip a service-only one by design; one that accepts nothing is certainly wrong.
        rules.RuleFor(c => c.Target)
            .Must(t => TrafficTypes.IsKnown(t!.TrafficType!.Value) && t.TrafficType.Value != TrafficTypes.None)
            .When(c => c.Target is { IsWaypoint: true } && c.Enrollment.Needs == TrafficNeed.NamespaceDefault)
            .Reports("W9", ReasonCodes.UnsupportedTrafficType, Verdict.Deny, WaypointLabels.UseWaypoint, c =>
                $"{c.Who}: {c.Reference} refers to waypoint {c.Target}, which {Accepts(c)}; nothing in the namespace would use it. " +
                $"Fix: {FixFor(c, TrafficTypes.Service)}");

        rules.RuleFor(c => c.Target)
            .Must(t => t!.TrafficType!.Value != TrafficTypes.Workload)
            .When(c => c.Target is { IsWaypoint: true } && c.Enrollment.Needs == TrafficNeed.NamespaceDefault)
            .Reports("W9", ReasonCodes.UnsupportedTrafficType, Verdict.Warn, WaypointLabels.UseWaypoint, c =>
                $"{c.Who}: waypoint {c.Target} handles only workload traffic ({c.Target!.TrafficType!.Describe()}); Services in " +
                $"{c.Subject.Object.Name} will not use it. Fix: istioctl waypoint apply -n {c.Target.Namespace} --name {c.Target.Name} --for all");
    }

    private static string Accepts(EnrollmentCheck c)
    {
        var traffic = c.Target!.TrafficType!;
        return traffic.Value switch
        {
            TrafficTypes.Service => $"handles only service traffic ({traffic.Describe()})",
            TrafficTypes.Workload => $"handles only workload traffic ({traffic.Describe()})",
            TrafficTypes.None => $"accepts no traffic ({traffic.Describe()})",
            _ => $"has an invalid {WaypointLabels.WaypointFor}=\"{Text.Quote(traffic.Value)}\" and accepts no traffic",
        };
    }

    private static string FixFor(EnrollmentCheck c, string needs)
    {
        var target = c.Target!;
        return $"make the waypoint accept {needs} traffic: istioctl waypoint apply -n {target.Namespace} --name {target.Name} --for all " +
               $"(or kubectl label gateway -n {target.Namespace} {target.Name} {WaypointLabels.WaypointFor}=all --overwrite), " +
               "or use a waypoint that does.";
    }
}
