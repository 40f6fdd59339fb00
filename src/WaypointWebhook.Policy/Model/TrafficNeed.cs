namespace WaypointWebhook.Policy.Model;

/// <summary>Which traffic a waypoint must accept for an enrollment (spec section 2).</summary>
public enum TrafficNeed
{
    Service,
    Workload,

    /// <summary>A Namespace's default waypoint: judged by rule W9.</summary>
    NamespaceDefault,
}
