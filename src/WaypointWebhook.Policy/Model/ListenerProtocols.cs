namespace WaypointWebhook.Policy.Model;

public static class ListenerProtocols
{
    public const string Hbone = "HBONE";
    public const string Proxy = "istio.io/PROXY";
    public const int HbonePort = 15008;
}
