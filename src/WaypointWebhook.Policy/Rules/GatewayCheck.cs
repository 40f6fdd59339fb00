using WaypointWebhook.Policy.Model;
using WaypointWebhook.Policy.Resolution;

namespace WaypointWebhook.Policy.Rules;

/// <summary>What G1 reads from a Gateway or a GatewayClass alike.</summary>
public interface ITrafficTypeLabelled
{
    ObjectRef Object { get; }

    /// <summary>The <c>istio.io/waypoint-for</c> label, null when absent.</summary>
    string? WaypointFor { get; }
}

/// <summary>A Gateway under admission, with its class resolved (G1..G3).</summary>
public sealed class GatewayCheck : ITrafficTypeLabelled
{
    public const string Scope = "gateway";

    public GatewayCheck(GatewayInfo gateway, WaypointClasses classes)
    {
        Gateway = gateway;
        Object = new ObjectRef("Gateway", gateway.Namespace, gateway.Name);
        IsWaypoint = classes.IsWaypoint(gateway.ClassName);
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

/// <summary>A GatewayClass under admission (G1).</summary>
public sealed class GatewayClassCheck(GatewayClassInfo gatewayClass) : ITrafficTypeLabelled
{
    public ObjectRef Object { get; } = new("GatewayClass", null, gatewayClass.Name);

    public string? WaypointFor => gatewayClass.WaypointFor;
}
