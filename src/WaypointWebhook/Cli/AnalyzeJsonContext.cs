using System.Text.Json.Serialization;

namespace WaypointWebhook.Cli;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(AnalyzeReport))]
public sealed partial class AnalyzeJsonContext : JsonSerializerContext;
