using System.Text.Json.Serialization;

namespace WaypointWebhook.Admission;

/// <summary>The source-generated reader and writer of AdmissionReviews (the objects inside use the lean shape of Objects/).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowTrailingCommas = false,
    MaxDepth = 64)]
[JsonSerializable(typeof(AdmissionReviewRequest))]
[JsonSerializable(typeof(AdmissionReviewHeader))]
[JsonSerializable(typeof(AdmissionReviewResponse))]
public sealed partial class WireJsonContext : JsonSerializerContext;
