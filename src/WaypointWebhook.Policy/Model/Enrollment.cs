namespace WaypointWebhook.Policy.Model;

/// <summary>One place that carries waypoint labels, and the traffic a waypoint must accept for it.</summary>
/// <param name="IsObjectLevel">False for a ServiceEntry endpoint: W10 and W11 concern the object itself.</param>
/// <param name="Address">A ServiceEntry endpoint's <c>address</c>: on UPDATE endpoints are paired by it, as istiod keys them.</param>
public sealed record Enrollment(EnrollmentLabels Labels, TrafficNeed Needs, bool IsObjectLevel = true, string? Address = null);
