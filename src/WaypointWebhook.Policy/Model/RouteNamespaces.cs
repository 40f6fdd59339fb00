namespace WaypointWebhook.Policy.Model;

/// <summary><c>allowedRoutes.namespaces</c>: <see cref="From"/> null when absent (Same); <see cref="Selector"/> null when absent.</summary>
public sealed record RouteNamespaces(string? From, LabelSelector? Selector);
