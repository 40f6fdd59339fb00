using WaypointWebhook.Policy.Messages;
namespace WaypointWebhook.Policy.Model;

/// <summary>Names an admitted object the way messages and findings show it: <c>Pod default/p</c>.</summary>
public sealed record ObjectRef(string Kind, string? Namespace, string Name)
{
    /// <summary>Names and namespaces come from the request: clipped and made one line for messages.</summary>
    public override string ToString() =>
        Namespace is null ? $"{Kind} {Messages.Text.Name(Name)}" : $"{Kind} {Messages.Text.Name(Namespace)}/{Messages.Text.Name(Name)}";
}
