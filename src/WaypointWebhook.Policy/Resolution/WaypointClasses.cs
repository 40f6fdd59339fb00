using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Policy.Resolution;

/// <summary>Which Gateways are waypoints, and what traffic they accept (spec section 3).</summary>
public sealed class WaypointClasses(PolicyOptions options, IClusterView view)
{
    /// <summary>
    /// A Gateway is a waypoint when its GatewayClass's controller is a waypoint controller, or, while the
    /// GatewayClass object is unknown, when its class name is a waypoint class name.
    /// </summary>
    public bool IsWaypoint(string className) =>
        view.GetGatewayClass(className) is { } gatewayClass
            ? gatewayClass.ControllerName is { } controller && options.WaypointControllers.Contains(controller)
            : options.WaypointClassNames.Contains(className);

    /// <summary>
    /// The controller behind a class, for rule G3. Istio's own default class is known to belong to the mesh
    /// controller even before its GatewayClass object is seen.
    /// </summary>
    public string? ControllerOf(string className) =>
        view.GetGatewayClass(className)?.ControllerName
        ?? (className == WaypointControllers.MeshClassName ? WaypointControllers.Mesh : null);

    /// <summary>The traffic type: the Gateway's label, else its GatewayClass's, else <c>service</c>.</summary>
    public TrafficType TrafficTypeOf(GatewayInfo gateway)
    {
        if (gateway.WaypointFor is { } own)
        {
            return new TrafficType(own, TrafficTypeSource.Gateway, gateway.ClassName);
        }

        if (view.GetGatewayClass(gateway.ClassName)?.WaypointFor is { } inherited)
        {
            return new TrafficType(inherited, TrafficTypeSource.GatewayClass, gateway.ClassName);
        }

        return new TrafficType(TrafficTypes.Service, TrafficTypeSource.Default, gateway.ClassName);
    }

    /// <summary>The inbound-binding annotation: the Gateway's, else its GatewayClass's.</summary>
    public string? InboundBindingOf(GatewayInfo gateway) =>
        gateway.InboundBinding ?? view.GetGatewayClass(gateway.ClassName)?.InboundBinding;
}
