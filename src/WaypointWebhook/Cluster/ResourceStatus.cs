namespace WaypointWebhook.Cluster;

/// <summary>How many objects of one resource the view holds, and when it last heard from the API server about them.</summary>
public sealed record ResourceStatus(string Resource, int Count, DateTimeOffset? LastEvent);
