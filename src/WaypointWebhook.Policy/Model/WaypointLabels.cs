namespace WaypointWebhook.Policy.Model;

/// <summary>The label and annotation keys istiod reads, exactly as it spells them.</summary>
public static class WaypointLabels
{
    public const string UseWaypoint = "istio.io/use-waypoint";
    public const string UseWaypointNamespace = "istio.io/use-waypoint-namespace";
    public const string WaypointFor = "istio.io/waypoint-for";
    public const string IngressUseWaypoint = "istio.io/ingress-use-waypoint";
    public const string DataplaneMode = "istio.io/dataplane-mode";
    public const string ManagedGateway = "gateway.istio.io/managed";
    public const string GatewayName = "gateway.networking.k8s.io/gateway-name";
    public const string NamespaceName = "kubernetes.io/metadata.name";
    public const string InboundBindingAnnotation = "ambient.istio.io/waypoint-inbound-binding";
    public const string UseWaypointCanary = "istio.io/use-waypoint-canary";
    public const string UseWaypointCanaryNamespace = "istio.io/use-waypoint-canary-namespace";

    /// <summary>Annotation: the canary's share of new connections, an integer 0..100 (Go <c>strconv.Atoi</c>).</summary>
    public const string CanaryWeightAnnotation = "istio.io/use-waypoint-canary-weight";

    /// <summary>Annotation on a ServiceEntry; <c>RACE_FIRST_TCP_CONNECT</c> (any case) needs a waypoint (W13).</summary>
    public const string ConnectStrategyAnnotation = "istio.io/connect-strategy";
    public const string RaceFirstTcpConnect = "RACE_FIRST_TCP_CONNECT";

    /// <summary>Annotation istiod's auto-registration writes on the WorkloadEntries it creates.</summary>
    public const string AutoRegistrationGroupAnnotation = "istio.io/autoRegistrationGroup";

    /// <summary>Annotation the mutation writes beside the <c>istio.io/waypoint-for</c> it stamps (spec section 6).</summary>
    public const string DefaultedAnnotation = "waypoint.istio.io/defaulted";

    /// <summary>The value of <see cref="DefaultedAnnotation"/> that names the stamped label, as spec section 6 spells it.</summary>
    public const string DefaultedWaypointFor = "waypoint-for";

    /// <summary>The exact value that opts an object out of its namespace's waypoint.</summary>
    public const string OptOut = "none";
    public const string Ambient = "ambient";
}
