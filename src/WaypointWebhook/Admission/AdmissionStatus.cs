namespace WaypointWebhook.Admission;

/// <summary>A metav1.Status, as the API server shows it to the client on denial.</summary>
public sealed class AdmissionStatus
{
    public string Status { get; set; } = "Failure";

    public string? Message { get; set; }

    public string? Reason { get; set; }

    public int Code { get; set; }
}
