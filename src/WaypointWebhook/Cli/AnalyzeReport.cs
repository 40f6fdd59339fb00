using System.Text.Json.Serialization;
using WaypointWebhook.Audit;

namespace WaypointWebhook.Cli;

/// <summary>The document of <c>analyze -o json</c>.</summary>
public sealed record AnalyzeReport(List<AnalyzeReportFinding> Findings)
{
    /// <summary>A live cluster's unbound consumers, the items <c>GET /unbound</c> lists for the same state; absent for files.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<UnboundItem>? Unbound { get; init; }
}
