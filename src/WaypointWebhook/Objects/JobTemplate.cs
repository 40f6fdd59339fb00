namespace WaypointWebhook.Objects;

public sealed class JobTemplate
{
    public ObjectSpec? Spec { get; set; }
}
