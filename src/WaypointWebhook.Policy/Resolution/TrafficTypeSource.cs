using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Policy.Resolution;

public enum TrafficTypeSource
{
    Gateway,
    GatewayClass,
    Default,
}
