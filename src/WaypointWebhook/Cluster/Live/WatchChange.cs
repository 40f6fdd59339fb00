using k8s;
using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Cluster.Live;

/// <summary>One watch event, projected. <see cref="Item"/> is null for deletions and bookmarks.</summary>
public sealed record WatchChange<T>(WatchEventType Type, ObjectKey Key, T? Item, string? ResourceVersion);
