using System.Text.Json.Serialization;

namespace WaypointWebhook.Objects;

/// <summary>
/// The source-generated reader of the lean object shape, for every place objects come from: manifest
/// files, list pages and watch events. Admission reviews carry the same shape through their own context.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowTrailingCommas = false,
    MaxDepth = 64)]
[JsonSerializable(typeof(KubeObject))]
[JsonSerializable(typeof(KubeObjectList))]
public sealed partial class ObjectJsonContext : JsonSerializerContext;
