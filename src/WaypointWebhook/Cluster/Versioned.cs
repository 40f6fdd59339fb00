namespace WaypointWebhook.Cluster;

/// <summary>An item with the resourceVersion it was read at (0: unknown, e.g. from a manifest file).</summary>
public readonly record struct Versioned<T>(T Item, ulong ResourceVersion);
