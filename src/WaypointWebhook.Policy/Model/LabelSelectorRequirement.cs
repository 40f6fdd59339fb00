namespace WaypointWebhook.Policy.Model;

public sealed record LabelSelectorRequirement(string? Key, string? Operator, IReadOnlyList<string?>? Values);
