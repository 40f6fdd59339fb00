namespace WaypointWebhook.Objects;

public sealed class RouteNamespacesSpec
{
    public string? From { get; set; }

    public LabelSelectorSpec? Selector { get; set; }
}
