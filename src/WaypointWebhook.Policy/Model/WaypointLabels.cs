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

    /// <summary>The exact value that opts an object out of its namespace's waypoint.</summary>
    public const string OptOut = "none";
    public const string Ambient = "ambient";
}
