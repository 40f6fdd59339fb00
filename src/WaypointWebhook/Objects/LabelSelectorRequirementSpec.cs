namespace WaypointWebhook.Objects;

public sealed class LabelSelectorRequirementSpec
{
    public string? Key { get; set; }

    public string? Operator { get; set; }

    public List<string?>? Values { get; set; }
}
