namespace WaypointWebhook.Objects;

public sealed class PodTemplate
{
    public ObjectMeta? Metadata { get; set; }

    /// <summary>WorkloadGroup: <c>spec.template.labels</c>, under <c>spec.metadata.labels</c>.</summary>
    public Dictionary<string, string?>? Labels { get; set; }
}
