using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Policy.Resolution;

/// <summary>
/// A syntactically valid reference looked up with istiod's semantics: the Gateway (if any), whether it
/// is a waypoint, its traffic type and whether the consumer namespace may attach.
/// </summary>
public sealed record ResolvedWaypoint(
    string Namespace,
    string Name,
    GatewayInfo? Gateway,
    bool IsWaypoint,
    string? ClassController,
    TrafficType? TrafficType,
    ListenerInfo? AttachmentListener,
    bool AttachmentAllowed)
{
    public override string ToString() => $"{Namespace}/{Name}";

    public static ResolvedWaypoint Resolve(
        string @namespace,
        string name,
        string consumer,
        IReadOnlyDictionary<string, string> consumerLabels,
        IClusterView view,
        WaypointClasses classes)
    {
        var gateway = view.GetGateway(@namespace, name);
        if (gateway is null)
        {
            return new ResolvedWaypoint(@namespace, name, null, false, null, null, null, false);
        }

        var controller = view.GetGatewayClass(gateway.ClassName)?.ControllerName;
        if (!classes.IsWaypoint(gateway.ClassName))
        {
            return new ResolvedWaypoint(@namespace, name, gateway, false, controller, null, null, false);
        }

        var (_, listener) = Attachment.AttachmentListener(gateway, classes.InboundBindingOf(gateway));
        return new ResolvedWaypoint(
            @namespace,
            name,
            gateway,
            IsWaypoint: true,
            controller,
            classes.TrafficTypeOf(gateway),
            listener,
            Attachment.Allows(gateway, listener, consumer, consumerLabels));
    }
}
