using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Policy.Resolution;

/// <summary>Which Gateways are waypoints, and what traffic they accept (spec section 3).</summary>
/// <param name="waypointControllers">The GatewayClass controllers that make waypoints (configured).</param>
/// <param name="waypointClassNames">The class names taken for waypoint classes while their GatewayClass is unknown (configured).</param>
public sealed class WaypointClasses(IReadOnlySet<string> waypointControllers, IReadOnlySet<string> waypointClassNames, IClusterView view)
{
    /// <summary>
    /// A waypoint by its class: its GatewayClass's controller is a waypoint controller, or, while the
    /// GatewayClass object is unknown, its class name is a waypoint class name (the mutation reads only this).
    /// </summary>
    public bool IsWaypointClass(string className) =>
        view.GetGatewayClass(className) is { } gatewayClass
            ? gatewayClass.ControllerName is { } controller && waypointControllers.Contains(controller)
            : waypointClassNames.Contains(className);

    /// <summary>
    /// A waypoint: by its class, or a sandwich waypoint (spec section 3) — an ingress-class or third-party
    /// Gateway whose pods are enrolled in ambient mode (the label <c>istio.io/dataplane-mode: ambient</c> on the
    /// Gateway or, since istiod's deployment controller takes pod labels from there, in
    /// <c>spec.infrastructure.labels</c>), or that declares an inbound binding on itself or its class. Istio's
    /// own integration test (<c>TestSimpleHTTPSandwich</c>) passes traffic through such a Gateway.
    /// </summary>
    public bool IsWaypoint(GatewayInfo gateway) => IsWaypointClass(gateway.ClassName) || IsSandwich(gateway);

    public bool IsSandwich(GatewayInfo gateway) =>
        gateway.Labels.GetValueOrDefault(WaypointLabels.DataplaneMode) == WaypointLabels.Ambient
        || gateway.InfrastructureLabels?.GetValueOrDefault(WaypointLabels.DataplaneMode) == WaypointLabels.Ambient
        || gateway.InboundBinding is not null
        || view.GetGatewayClass(gateway.ClassName)?.InboundBinding is not null;

    /// <summary>
    /// Whether a Gateway that is no waypoint certainly is none: its controller is one of Istio's non-waypoint
    /// controllers (ingress, east-west, remote, agentgateway ingress). Any other controller may be a
    /// third-party waypoint implementation: istiod binds every Gateway with addresses, so a reference to it
    /// only warns.
    /// </summary>
    public bool IsKnownNonWaypoint(GatewayInfo gateway) =>
        ControllerOf(gateway.ClassName) is { } controller && WaypointControllers.NonWaypoint.Contains(controller);

    /// <summary>
    /// The controller behind a class: its GatewayClass's, else, for the class names Istio installs, the
    /// controller Istio gives them (the GatewayClass object may not be in the view yet).
    /// </summary>
    public string? ControllerOf(string className) =>
        view.GetGatewayClass(className) is { } gatewayClass
            ? gatewayClass.ControllerName
            : WaypointControllers.BuiltInClasses.GetValueOrDefault(className);

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
