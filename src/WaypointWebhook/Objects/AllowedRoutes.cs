namespace WaypointWebhook.Objects;

public sealed class AllowedRoutes
{
    public RouteNamespacesSpec? Namespaces { get; set; }
}
