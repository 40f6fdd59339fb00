using System.Text.Json;
using System.Text.Json.Serialization;
using WaypointWebhook.Audit;
using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Cli;

/// <summary>The text and JSON output formats of <c>analyze</c> (SARIF: <see cref="SarifWriter"/>).</summary>
public static class AnalyzeOutput
{
    /// <summary>
    /// As <c>istioctl analyze</c> prints: <c>Error [UnsupportedTrafficType] (Pod default/p deploy/app.yaml:12) message</c>,
    /// the line being the field's where it is written, else the object's.
    /// </summary>
    /// <param name="unbound">
    /// A live cluster's unbound consumers (as <c>GET /unbound</c> lists them), after the findings, one line each:
    /// <c>Unbound [UnsupportedTrafficType] (Pod default/p) message</c>. Null for files.
    /// </param>
    public static void WriteText(TextWriter output, IReadOnlyList<AnalyzedFinding> findings, IReadOnlyList<UnboundItem>? unbound = null)
    {
        if (findings.Count == 0 && unbound is not { Count: > 0 })
        {
            output.WriteLine("No validation issues found.");
            return;
        }

        foreach (var finding in findings)
        {
            var where = finding.Location is { } location ? $"{finding.Object} {location}" : finding.Object.ToString();
            output.WriteLine($"{finding.Level} [{finding.Finding.Reason}] ({where}) {finding.Finding.Message}");
        }

        foreach (var item in unbound ?? [])
        {
            output.WriteLine($"Unbound [{item.Reason}] ({new ObjectRef(item.Kind, item.Namespace, item.Name)}) {item.Message}");
        }
    }

    /// <param name="unbound">A live cluster's unbound consumers, as the <c>items</c> of <c>GET /unbound</c>; null (absent) for files.</param>
    public static void WriteJson(TextWriter output, IReadOnlyList<AnalyzedFinding> findings, IReadOnlyList<UnboundItem>? unbound = null)
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
        }).ToList())
        {
            Unbound = unbound,
        };
        output.WriteLine(JsonSerializer.Serialize(report, AnalyzeJsonContext.Default.AnalyzeReport));
    }
}
