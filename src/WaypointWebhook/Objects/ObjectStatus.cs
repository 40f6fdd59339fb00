namespace WaypointWebhook.Objects;

public sealed class ObjectStatus
{
    /// <summary>Gateway: programmed once it has addresses.</summary>
    public List<GatewayStatusAddress>? Addresses { get; set; }
}
