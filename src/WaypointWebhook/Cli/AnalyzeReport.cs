namespace WaypointWebhook.Cli;

public sealed record AnalyzeReport(List<AnalyzeReportFinding> Findings);
