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

        // A waypoint's own instances carry the name of their Gateway. When the view cannot confirm whether
        // that Gateway exists, the object is taken at its word: judging a gateway's Pod as a consumer
        // could deny its rollout.
        SubjectKind.Pod or SubjectKind.PodTemplate or SubjectKind.WorkloadEntry =>
            GatewayNameOf(subject) is { } gatewayName
            && subject.Object.Namespace is { } ns
            && (view.GetGateway(ns, gatewayName) is { } gateway
                ? classes.IsWaypoint(gateway.ClassName)
                : view.IsUnconfirmedGateway(new ObjectKey(ns, gatewayName))),

        _ => false,
    };

    /// <summary>The Gateway a Pod, pod template or WorkloadEntry says it is an instance of, or null.</summary>
    public static string? GatewayNameOf(EnrollingSubject subject) =>
        subject.Kind is SubjectKind.Pod or SubjectKind.PodTemplate or SubjectKind.WorkloadEntry
        && subject.Labels.Get(WaypointLabels.GatewayName) is { Length: > 0 } name
            ? name
            : null;
}
