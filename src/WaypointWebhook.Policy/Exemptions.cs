using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Policy;

/// <summary>Objects istiod never binds to a waypoint, so the webhook never evaluates them (spec section 2).</summary>
public static class Exemptions
{
    private static readonly HashSet<string> ManagedGatewayControllers = new(StringComparer.Ordinal)
    {
        "istio.io-mesh-controller",
        "istio.io-eastwest-controller",
    };

    public static bool IsExempt(EnrollingSubject subject, IClusterView view) => subject.Kind switch
    {
        // A waypoint's or east-west gateway's own Service (istiod's fetchWaypointForService runs the same test
        // for ServiceEntries), and a Service that is only a DNS name.
        SubjectKind.Service or SubjectKind.ServiceEntry =>
            ManagedGatewayControllers.Contains(subject.Labels.Get(WaypointLabels.ManagedGateway) ?? string.Empty)
            || subject.ServiceType == "ExternalName",

        // A gateway's own instances carry the name of their Gateway, whatever its class: istiod copies a
        // Gateway's labels (an istio.io/use-waypoint among them) onto its Deployment's pods, and judging them
        // as consumers would deny the gateway's rollout. When the view cannot confirm whether that Gateway
        // exists, the object is taken at its word.
        SubjectKind.Pod or SubjectKind.PodTemplate or SubjectKind.WorkloadEntry or SubjectKind.WorkloadGroup =>
            GatewayNameOf(subject) is { } gatewayName
            && subject.Object.Namespace is { } ns
            && (view.GetGateway(ns, gatewayName) is not null || view.IsUnconfirmedGateway(new ObjectKey(ns, gatewayName))),

        _ => false,
    };

    /// <summary>
    /// A ServiceEntry endpoint that is a gateway's own instance: istiod's <c>fetchWaypointForInstance</c> reads
    /// the endpoint's labels too (decision D10), so its waypoint labels are never resolved.
    /// </summary>
    public static bool IsExemptEndpoint(EnrollingSubject subject, Enrollment endpoint, IClusterView view) =>
        !endpoint.IsObjectLevel
        && endpoint.Labels.Get(WaypointLabels.GatewayName) is { Length: > 0 } gatewayName
        && subject.Object.Namespace is { } ns
        && (view.GetGateway(ns, gatewayName) is not null || view.IsUnconfirmedGateway(new ObjectKey(ns, gatewayName)));

    /// <summary>The Gateway a Pod, pod template or WorkloadEntry says it is an instance of, or null.</summary>
    public static string? GatewayNameOf(EnrollingSubject subject) =>
        subject.Kind is SubjectKind.Pod or SubjectKind.PodTemplate or SubjectKind.WorkloadEntry or SubjectKind.WorkloadGroup
        && subject.Labels.Get(WaypointLabels.GatewayName) is { Length: > 0 } name
            ? name
            : null;
}
