namespace WaypointWebhook.Policy.Model;

/// <summary>Istio's GatewayClass controllers and class names (istiod <c>pkg/config/constants/constants.go</c>).</summary>
public static class WaypointControllers
{
    public const string Mesh = "istio.io/mesh-controller";
    public const string AgentGateway = "istio.io/agentgateway-waypoint-controller";
    public const string MeshClassName = "istio-waypoint";
    public const string AgentGatewayClassName = "istio-agentgateway-waypoint";

    /// <summary>Controllers known not to make waypoints: a reference to their Gateways is denied (W6).</summary>
    public static readonly IReadOnlySet<string> NonWaypoint = new HashSet<string>(StringComparer.Ordinal)
    {
        "istio.io/gateway-controller",
        "istio.io/eastwest-controller",
        "istio.io/unmanaged-gateway",
        "istio.io/agentgateway-controller",
    };

    /// <summary>The class names Istio installs, and their controller, for a GatewayClass object the view has not seen.</summary>
    public static readonly IReadOnlyDictionary<string, string> BuiltInClasses = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [MeshClassName] = Mesh,
        [AgentGatewayClassName] = AgentGateway,
        ["istio"] = "istio.io/gateway-controller",
        ["istio-east-west"] = "istio.io/eastwest-controller",
        ["istio-remote"] = "istio.io/unmanaged-gateway",
        ["istio-agentgateway"] = "istio.io/agentgateway-controller",
    };
}
