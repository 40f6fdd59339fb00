namespace WaypointWebhook.Policy.Model;

/// <summary>The lean projection of a Namespace: its name, labels and the annotations the rules read.</summary>
/// <param name="Annotations">The canary weight a Service inherits (null when the view does not keep annotations).</param>
public sealed record NamespaceInfo(string Name, IReadOnlyDictionary<string, string> Labels, IReadOnlyDictionary<string, string>? Annotations = null);
