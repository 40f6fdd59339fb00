using System.Text.Json;
using System.Text.Json.Serialization;
using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Cli;

/// <summary>The two output formats of <c>analyze</c>.</summary>
public static class AnalyzeOutput
{
    /// <summary>In the style of <c>istioctl analyze</c>: <c>Error [UnsupportedTrafficType] (Pod default/p) message</c>.</summary>
    public static void WriteText(TextWriter output, IReadOnlyList<AnalyzedFinding> findings)
    {
        if (findings.Count == 0)
        {
            output.WriteLine("No validation issues found.");
            return;
        }

        foreach (var finding in findings)
        {
            output.WriteLine($"{Severity(finding.Verdict)} [{finding.Finding.Reason}] ({finding.Object}) {finding.Finding.Message}");
        }
    }

    public static void WriteJson(TextWriter output, IReadOnlyList<AnalyzedFinding> findings)
    {
        var report = new AnalyzeReport(findings.Select(f => new AnalyzeReportFinding(
            f.Object.Kind,
            f.Object.Namespace,
            f.Object.Name,
            Severity(f.Verdict),
            f.Finding.Reason,
            f.Finding.Field,
            f.Finding.Message)).ToList());
        output.WriteLine(JsonSerializer.Serialize(report, AnalyzeJsonContext.Default.AnalyzeReport));
    }

    private static string Severity(Verdict verdict) => verdict == Verdict.Deny ? "Error" : "Warning";
}

public sealed record AnalyzeReport(List<AnalyzeReportFinding> Findings);

public sealed record AnalyzeReportFinding(string Kind, string? Namespace, string Name, string Severity, string Reason, string Field, string Message);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(AnalyzeReport))]
public sealed partial class AnalyzeJsonContext : JsonSerializerContext;
