namespace WaypointWebhook.Admission;

/// <summary>
/// The same review without its objects: read when the objects fail to decode, to tell a malformed
/// review (400) from an object of a kind the webhook never reads (allowed).
/// </summary>
public sealed class AdmissionReviewHeader
{
    public string? ApiVersion { get; set; }

    public string? Kind { get; set; }

    public AdmissionRequestHeader? Request { get; set; }
}
