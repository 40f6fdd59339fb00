namespace WaypointWebhook.Cli;

/// <summary>What <c>analyze</c> found: the findings reported, those suppressed, and how many objects were judged.</summary>
public sealed record Analysis(IReadOnlyList<AnalyzedFinding> Findings, IReadOnlyList<AnalyzedFinding> Suppressed, int Objects);
