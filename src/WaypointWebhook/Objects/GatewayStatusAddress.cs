namespace WaypointWebhook.Objects;

public sealed class GatewayStatusAddress
{
    public string? Type { get; set; }

    public string? Value { get; set; }
}
