namespace WaypointWebhook.Policy.Model;

/// <summary>The lean projection of a Namespace: its name and labels.</summary>
public sealed record NamespaceInfo(string Name, IReadOnlyDictionary<string, string> Labels);
