namespace WaypointWebhook.Policy.Model;

/// <summary>
/// Which traffic a waypoint must accept for an enrollment (spec section 2). A Namespace's own enrollment
/// needs service traffic (its Services use the waypoint; its Pods skip a service-only one by design),
/// and rule W9 judges it.
/// </summary>
public enum TrafficNeed
{
    Service,
    Workload,
}
