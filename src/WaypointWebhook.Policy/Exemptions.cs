using WaypointWebhook.Policy.Model;
using WaypointWebhook.Policy.Resolution;

namespace WaypointWebhook.Policy;

/// <summary>Objects istiod never binds to a waypoint, so the webhook never evaluates them (spec section 2).</summary>
public static class Exemptions
{
    private static readonly HashSet<string> ManagedGatewayControllers = new(StringComparer.Ordinal)
    {
        "istio.io-mesh-controller",
        "istio.io-eastwest-controller",
    };

    public static bool IsExempt(EnrollingSubject subject, IClusterView view, WaypointClasses classes) => subject.Kind switch
    {
        // A waypoint's or east-west gateway's own Service, and a Service that is only a DNS name.
        SubjectKind.Service =>
            ManagedGatewayControllers.Contains(subject.Labels.Get(WaypointLabels.ManagedGateway) ?? string.Empty)
            || subject.ServiceType == "ExternalName",

        // A waypoint's own instances carry the name of their Gateway.
        SubjectKind.Pod or SubjectKind.PodTemplate or SubjectKind.WorkloadEntry =>
            subject.Labels.Get(WaypointLabels.GatewayName) is { Length: > 0 } gatewayName
            && subject.Object.Namespace is { } ns
            && view.GetGateway(ns, gatewayName) is { } gateway
            && classes.IsWaypoint(gateway.ClassName),

        _ => false,
    };
}
