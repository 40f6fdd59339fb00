namespace WaypointWebhook.Policy.Model;

/// <summary>Values of <c>istio.io/waypoint-for</c>.</summary>
public static class TrafficTypes
{
    public const string Service = "service";
    public const string Workload = "workload";
    public const string All = "all";
    public const string None = "none";

    public static bool IsKnown(string value) => value is Service or Workload or All or None;

    public static bool AcceptsService(string value) => value is Service or All;

    public static bool AcceptsWorkload(string value) => value is Workload or All;
}
