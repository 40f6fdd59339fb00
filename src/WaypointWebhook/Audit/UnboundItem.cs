namespace WaypointWebhook.Audit;

/// <summary>
/// One unbound consumer as <c>GET /unbound</c> and <c>analyze -o json</c> show it. <c>namespace</c> is null for a
/// Namespace (cluster-scoped); the <c>?namespace=</c> filter still finds it under its own name.
/// </summary>
public sealed record UnboundItem(string? Namespace, string Name, string Kind, string Reason, string Message);
