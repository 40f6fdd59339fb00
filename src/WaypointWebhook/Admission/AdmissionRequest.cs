using WaypointWebhook.Objects;

namespace WaypointWebhook.Admission;

public sealed class AdmissionRequest : AdmissionRequestHeader
{
    public KubeObject? Object { get; set; }

    public KubeObject? OldObject { get; set; }
}
