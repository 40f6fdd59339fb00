using System.Text.Json.Serialization;

namespace WaypointWebhook.Cli;

/// <summary>
/// One finding in <c>-o json</c>. The location fields are absent (not null, not empty) for a live
/// cluster's objects: there is no file.
/// </summary>
public sealed record AnalyzeReportFinding(string Kind, string? Namespace, string Name, string Severity, string Reason, string Field, string Message)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? File { get; init; }

    /// <summary>Where the object starts (1-based).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Line { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Column { get; init; }

    /// <summary>Where the finding's field is written, when it is (a label key, a listener).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? FieldLine { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? FieldColumn { get; init; }
}
