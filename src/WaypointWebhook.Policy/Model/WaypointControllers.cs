namespace WaypointWebhook.Policy.Model;

public static class WaypointControllers
{
    public const string Mesh = "istio.io/mesh-controller";
    public const string AgentGateway = "istio.io/agentgateway-waypoint-controller";
    public const string MeshClassName = "istio-waypoint";
}
