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

/// <summary>Values of <c>istio.io/waypoint-for</c>.</summary>
public static class TrafficTypes
{
    public const string Service = "service";
    public const string Workload = "workload";
    public const string All = "all";
    public const string None = "none";

    public static bool IsKnown(string value) => value is Service or Workload or All or None;

    public static bool AcceptsService(string value) => value is Service or All;

    public static bool AcceptsWorkload(string value) => value is Workload or All;
}

/// <summary>The reason codes of the spec; they appear in deny messages, warnings, logs and metrics.</summary>
public static class ReasonCodes
{
    public const string InvalidLabelValue = "InvalidLabelValue";
    public const string NamespaceWithoutWaypoint = "NamespaceWithoutWaypoint";
    public const string IgnoredLabel = "IgnoredLabel";
    public const string WaypointIsNotReady = "WaypointIsNotReady";
    public const string NotAWaypoint = "NotAWaypoint";
    public const string UnsupportedTrafficType = "UnsupportedTrafficType";
    public const string AttachmentDenied = "AttachmentDenied";
    public const string NotInAmbient = "NotInAmbient";
    public const string InvalidTrafficType = "InvalidTrafficType";
    public const string InvalidAllowedRoutes = "InvalidAllowedRoutes";
    public const string UnexpectedListener = "UnexpectedListener";
}

public static class ListenerProtocols
{
    public const string Hbone = "HBONE";
    public const string Proxy = "istio.io/PROXY";
    public const int HbonePort = 15008;
}

public static class WaypointControllers
{
    public const string Mesh = "istio.io/mesh-controller";
    public const string AgentGateway = "istio.io/agentgateway-waypoint-controller";
    public const string MeshClassName = "istio-waypoint";
}
