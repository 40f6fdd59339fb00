namespace WaypointWebhook.Objects;

public sealed class Listener
{
    public string? Name { get; set; }

    public int Port { get; set; }

    public string? Protocol { get; set; }

    public AllowedRoutes? AllowedRoutes { get; set; }
}
