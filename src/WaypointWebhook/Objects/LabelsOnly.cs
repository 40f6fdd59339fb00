namespace WaypointWebhook.Objects;

/// <summary>An object of which only <c>labels</c> is read.</summary>
public sealed class LabelsOnly
{
    public Dictionary<string, string?>? Labels { get; set; }
}
