namespace WaypointWebhook.Admission;

public sealed class AdmissionResponse
{
    public required string Uid { get; set; }

    public bool Allowed { get; set; }

    public AdmissionStatus? Status { get; set; }

    public List<string>? Warnings { get; set; }

    /// <summary>Base64 of a JSON Patch (RFC 6902).</summary>
    public string? Patch { get; set; }

    public string? PatchType { get; set; }
}
