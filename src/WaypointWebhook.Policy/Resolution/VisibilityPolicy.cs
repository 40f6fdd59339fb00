using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Policy.Resolution;

/// <summary>One <c>serviceEntryVisibility.policies</c> entry: a visibility for the namespaces its selector matches.</summary>
/// <param name="NamespaceSelector">Null: every namespace; <c>{}</c> matches every namespace too.</param>
public sealed record VisibilityPolicy(string Visibility, LabelSelector? NamespaceSelector);
