namespace WaypointWebhook.Admission;

/// <summary>An incoming AdmissionReview (admission.k8s.io/v1): only the fields the webhook reads.</summary>
public sealed class AdmissionReviewRequest
{
    public string? ApiVersion { get; set; }

    public string? Kind { get; set; }

    public AdmissionRequest? Request { get; set; }
}
