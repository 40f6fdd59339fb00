using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Cluster.Live;

/// <summary>One page of a paginated list: lean items with their resourceVersions.</summary>
public sealed record ListPage<T>(IReadOnlyList<(ObjectKey Key, Versioned<T> Entry)> Items, string? ResourceVersion, string? Continue);
