using System.Text.Json.Serialization;

namespace WaypointWebhook.Objects;

public sealed class ObjectMeta
{
    public string? Name { get; set; }

    public string? GenerateName { get; set; }

    public string? Namespace { get; set; }

    /// <summary>Read from watch events (bookmarks carry only this) to resume a watch where it stopped.</summary>
    public string? ResourceVersion { get; set; }

    public Dictionary<string, string?>? Labels { get; set; }

    /// <summary>
    /// Only the annotations the rules read are kept: other annotations (a 3 KB last-applied-configuration,
    /// say) are skipped without allocating.
    /// </summary>
    [JsonConverter(typeof(AnnotationsConverter))]
    public KeptAnnotations? Annotations { get; set; }

    /// <summary><c>ambient.istio.io/waypoint-inbound-binding</c>, null when absent.</summary>
    [JsonIgnore]
    public string? InboundBinding => Annotations?.InboundBinding;

    /// <summary>Only <c>controller</c> is read: an owner that is a controller made this object (spec section 2).</summary>
    public List<OwnerReference?>? OwnerReferences { get; set; }
}
