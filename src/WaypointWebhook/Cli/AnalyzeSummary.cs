namespace WaypointWebhook.Cli;

/// <summary>
/// The closing lines of <c>analyze</c> on standard error: <c>2 errors, 1 warning in 14 objects from 6 files</c>,
/// then <c>3 findings suppressed</c> when any were, so a suppression is never silent.
/// </summary>
public static class AnalyzeSummary
{
    /// <param name="files">How many files were read; null for a live cluster.</param>
    /// <param name="unbound">How many consumers of a live cluster are not bound; null for files.</param>
    public static void Write(TextWriter error, Analysis analysis, int? files, int? unbound = null)
    {
        var errors = analysis.Findings.Count(f => f.Level == FindingLevel.Error);
        var warnings = analysis.Findings.Count - errors;
        var from = files is { } count ? $"from {Count(count, "file")}" : "from the cluster";
        error.WriteLine($"{Count(errors, "error")}, {Count(warnings, "warning")} in {Count(analysis.Objects, "object")} {from}");
        if (analysis.Suppressed.Count > 0)
        {
            error.WriteLine($"{Count(analysis.Suppressed.Count, "finding")} suppressed");
        }

        if (unbound > 0)
        {
            error.WriteLine($"{Count(unbound.Value, "consumer")} not bound to {(unbound == 1 ? "its" : "their")} waypoint");
        }
    }

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";
}
