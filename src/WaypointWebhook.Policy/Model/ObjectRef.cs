namespace WaypointWebhook.Policy.Model;

/// <summary>Names an admitted object the way messages and findings show it: <c>Pod default/p</c>.</summary>
public sealed record ObjectRef(string Kind, string? Namespace, string Name)
{
    public override string ToString() => Namespace is null ? $"{Kind} {Name}" : $"{Kind} {Namespace}/{Name}";
}
