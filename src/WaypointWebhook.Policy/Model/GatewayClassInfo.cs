namespace WaypointWebhook.Policy.Model;

/// <summary>The lean projection of a GatewayClass.</summary>
public sealed record GatewayClassInfo(
    string Name,
    string? ControllerName,
    IReadOnlyDictionary<string, string> Labels,
    string? InboundBinding)
{
    public string? WaypointFor => Labels.GetValueOrDefault(WaypointLabels.WaypointFor);
}
