using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Cli;

/// <summary>One finding of <c>analyze</c>, about one object.</summary>
public sealed record AnalyzedFinding(ObjectRef Object, Finding Finding, Verdict Verdict)
{
    /// <summary>Where the finding points in its file; null for a live cluster's object.</summary>
    public FindingLocation? Location { get; init; }

    public FindingLevel Level => Verdict == Verdict.Deny ? FindingLevel.Error : FindingLevel.Warning;
}
