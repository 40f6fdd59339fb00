using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Policy.Resolution;

/// <summary>No Gateway of that name (yet).</summary>
public sealed record MissingGateway(ObjectKey Key) : ResolvedWaypoint(Key);
