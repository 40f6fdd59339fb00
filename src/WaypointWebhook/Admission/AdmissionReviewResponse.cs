namespace WaypointWebhook.Admission;

/// <summary>The AdmissionReview the webhook answers with.</summary>
public sealed class AdmissionReviewResponse
{
    public string ApiVersion { get; set; } = "admission.k8s.io/v1";

    public string Kind { get; set; } = "AdmissionReview";

    public required AdmissionResponse Response { get; set; }
}
