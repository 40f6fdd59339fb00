namespace WaypointWebhook.Policy.Model;

/// <summary>A Kubernetes label selector as written; validity is checked separately (rule G2).</summary>
public sealed record LabelSelector(
    IReadOnlyDictionary<string, string?>? MatchLabels,
    IReadOnlyList<LabelSelectorRequirement>? MatchExpressions);
