namespace WaypointWebhook.Policy.Model;

/// <summary>One Gateway listener; <see cref="Namespaces"/> is <c>allowedRoutes.namespaces</c>, null when absent.</summary>
public sealed record ListenerInfo(string? Name, int Port, string? Protocol, RouteNamespaces? Namespaces);
