using System.Text.Json.Serialization;

namespace WaypointWebhook.Audit;

/// <summary>The source-generated writer of the audit's documents.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(UnboundList))]
public sealed partial class AuditJsonContext : JsonSerializerContext;
