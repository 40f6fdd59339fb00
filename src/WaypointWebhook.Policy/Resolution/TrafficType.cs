using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Policy.Resolution;

public sealed record TrafficType(string Value, TrafficTypeSource Source, string ClassName)
{
    public bool AcceptsService => TrafficTypes.AcceptsService(Value);

    public bool AcceptsWorkload => TrafficTypes.AcceptsWorkload(Value);

    /// <summary>How a message shows it: <c>istio.io/waypoint-for=service (the default)</c>.</summary>
    public string Describe() => Source switch
    {
        TrafficTypeSource.Gateway => $"{WaypointLabels.WaypointFor}={Value}",
        TrafficTypeSource.GatewayClass => $"{WaypointLabels.WaypointFor}={Value}, from GatewayClass {ClassName}",
        _ => $"{WaypointLabels.WaypointFor}={Value}, the default",
    };
}
