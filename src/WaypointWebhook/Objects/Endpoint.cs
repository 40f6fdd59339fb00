namespace WaypointWebhook.Objects;

public sealed class Endpoint
{
    /// <summary>On UPDATE, endpoints are paired with the old object's by address (istiod's key).</summary>
    public string? Address { get; set; }

    public Dictionary<string, string?>? Labels { get; set; }
}
