namespace WaypointWebhook.Admission;

public class AdmissionRequestHeader
{
    public string? Uid { get; set; }

    public GroupVersionKind? Kind { get; set; }

    public string? Name { get; set; }

    public string? Namespace { get; set; }

    public string? Operation { get; set; }

    public bool? DryRun { get; set; }
}
