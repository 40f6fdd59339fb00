using System.Text.Json.Serialization;
using WaypointWebhook.Objects;

namespace WaypointWebhook.Admission;

/// <summary>An incoming AdmissionReview (admission.k8s.io/v1): only the fields the webhook reads.</summary>
public sealed class AdmissionReviewRequest
{
    public string? ApiVersion { get; set; }

    public string? Kind { get; set; }

    public AdmissionRequest? Request { get; set; }
}

public class AdmissionRequestHeader
{
    public string? Uid { get; set; }

    public GroupVersionKind? Kind { get; set; }

    public string? SubResource { get; set; }

    public string? Name { get; set; }

    public string? Namespace { get; set; }

    public string? Operation { get; set; }

    public bool? DryRun { get; set; }
}

public sealed class AdmissionRequest : AdmissionRequestHeader
{
    public KubeObject? Object { get; set; }

    public KubeObject? OldObject { get; set; }
}

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

public sealed class GroupVersionKind
{
    public string? Group { get; set; }

    public string? Version { get; set; }

    public string? Kind { get; set; }
}

/// <summary>The AdmissionReview the webhook answers with.</summary>
public sealed class AdmissionReviewResponse
{
    public string ApiVersion { get; set; } = "admission.k8s.io/v1";

    public string Kind { get; set; } = "AdmissionReview";

    public required AdmissionResponse Response { get; set; }
}

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

/// <summary>A metav1.Status, as the API server shows it to the client on denial.</summary>
public sealed class AdmissionStatus
{
    public string Status { get; set; } = "Failure";

    public string? Message { get; set; }

    public string? Reason { get; set; }

    public int Code { get; set; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowTrailingCommas = false,
    MaxDepth = 64)]
[JsonSerializable(typeof(AdmissionReviewRequest))]
[JsonSerializable(typeof(AdmissionReviewHeader))]
[JsonSerializable(typeof(AdmissionReviewResponse))]
public sealed partial class WireJsonContext : JsonSerializerContext;
