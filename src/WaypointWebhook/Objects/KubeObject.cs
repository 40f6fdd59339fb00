using System.Text.Json.Serialization;

namespace WaypointWebhook.Objects;

/// <summary>
/// The lean shape of every object the rules read: one union of the few fields each kind needs. A Pod's
/// containers, a Deployment's pod spec, managedFields and every other field are skipped by the reader,
/// never materialized.
/// </summary>
public sealed class KubeObject
{
    public string? ApiVersion { get; set; }

    public string? Kind { get; set; }

    public ObjectMeta? Metadata { get; set; }

    public ObjectSpec? Spec { get; set; }

    public ObjectStatus? Status { get; set; }

    /// <summary>The items of a <c>kind: List</c> (manifest files and list responses).</summary>
    public List<KubeObject>? Items { get; set; }
}
