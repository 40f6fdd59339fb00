using System.Text.Json;
using System.Text.Json.Serialization;

namespace WaypointWebhook.Cli;

/// <summary>The text and JSON output formats of <c>analyze</c> (SARIF: <see cref="SarifWriter"/>).</summary>
public static class AnalyzeOutput
{
    /// <summary>
    /// As <c>istioctl analyze</c> prints: <c>Error [UnsupportedTrafficType] (Pod default/p deploy/app.yaml:12) message</c>,
    /// the line being the field's where it is written, else the object's.
    /// </summary>
    public static void WriteText(TextWriter output, IReadOnlyList<AnalyzedFinding> findings)
    {
        if (findings.Count == 0)
        {
            output.WriteLine("No validation issues found.");
            return;
        }

        foreach (var finding in findings)
        {
            var where = finding.Location is { } location ? $"{finding.Object} {location}" : finding.Object.ToString();
            output.WriteLine($"{finding.Level} [{finding.Finding.Reason}] ({where}) {finding.Finding.Message}");
        }
    }

    public static void WriteJson(TextWriter output, IReadOnlyList<AnalyzedFinding> findings)
    {
        var report = new AnalyzeReport(findings.Select(f => new AnalyzeReportFinding(
            f.Object.Kind,
            f.Object.Namespace,
            f.Object.Name,
            f.Level.ToString(),
            f.Finding.Reason,
            f.Finding.Field,
            f.Finding.Message)
        {
            File = f.Location?.File,
            Line = f.Location?.Object.Line,
            Column = f.Location?.Object.Column,
            FieldLine = f.Location?.Field?.Line,
            FieldColumn = f.Location?.Field?.Column,
        }).ToList());
        output.WriteLine(JsonSerializer.Serialize(report, AnalyzeJsonContext.Default.AnalyzeReport));
    }
}

public sealed record AnalyzeReport(List<AnalyzeReportFinding> Findings);

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

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(AnalyzeReport))]
public sealed partial class AnalyzeJsonContext : JsonSerializerContext;
