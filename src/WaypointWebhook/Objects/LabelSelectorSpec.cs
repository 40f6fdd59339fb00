namespace WaypointWebhook.Objects;

public sealed class LabelSelectorSpec
{
    public Dictionary<string, string?>? MatchLabels { get; set; }

    public List<LabelSelectorRequirementSpec>? MatchExpressions { get; set; }
}
