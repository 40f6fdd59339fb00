using WaypointWebhook.Policy.Model;
using WaypointWebhook.Policy.Resolution;

namespace WaypointWebhook.Policy.Checks;

/// <summary>A Gateway under admission, with its class resolved (G1..G3).</summary>
public sealed class GatewayCheck : ITrafficTypeLabelled
{
    public const string Scope = "gateway";

    public GatewayCheck(GatewayInfo gateway, WaypointClasses classes)
    {
        Gateway = gateway;
        Object = new ObjectRef("Gateway", gateway.Namespace, gateway.Name);
        IsWaypoint = classes.IsWaypoint(gateway);
        Controller = classes.ControllerOf(gateway.ClassName);
        (AttachmentListenerIndex, AttachmentListener) = Attachment.AttachmentListener(gateway, classes.InboundBindingOf(gateway));
    }

    public GatewayInfo Gateway { get; }

    public ObjectRef Object { get; }

    public string? WaypointFor => Gateway.WaypointFor;

    public bool IsWaypoint { get; }

    public string? Controller { get; }

    public int AttachmentListenerIndex { get; }

    public ListenerInfo? AttachmentListener { get; }
}
