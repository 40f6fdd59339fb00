namespace WaypointWebhook.Objects;

/// <summary>A page of objects decoded into the lean shape, as a list (or a custom-objects list) returns it.</summary>
public sealed class KubeObjectList
{
    public ListMetadata? Metadata { get; set; }

    public List<KubeObject>? Items { get; set; }
}
