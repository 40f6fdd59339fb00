using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Policy.Resolution;

/// <summary>
/// What a syntactically valid reference turned out to name, with istiod's semantics: no Gateway, a
/// Gateway that is not a waypoint, or a waypoint with its traffic type and attachment. Each rule reads
/// the one case it is about; a case carries only what is known in it.
/// </summary>
public abstract record ResolvedWaypoint(ObjectKey Key)
{
    public string Namespace => Key.Namespace;

    public string Name => Key.Name;

    public sealed override string ToString() => Key.ToString();

    /// <param name="target">The Gateway the reference names.</param>
    /// <param name="consumer">The namespace whose attachment is judged.</param>
    /// <param name="consumerLabels">Its labels, as the attachment selector reads them.</param>
    public static ResolvedWaypoint Resolve(
        ObjectKey target,
        string consumer,
        IReadOnlyDictionary<string, string> consumerLabels,
        IClusterView view,
        WaypointClasses classes)
    {
        if (view.GetGateway(target.Namespace, target.Name) is not { } gateway)
        {
            return new MissingGateway(target);
        }

        if (!classes.IsWaypoint(gateway))
        {
            return new NonWaypointGateway(target, gateway, classes.ControllerOf(gateway.ClassName), classes.IsKnownNonWaypoint(gateway));
        }

        var (_, listener) = Attachment.AttachmentListener(gateway, classes.InboundBindingOf(gateway));
        return new WaypointGateway(target, gateway, classes.TrafficTypeOf(gateway), listener, Attachment.Allows(gateway, listener, consumer, consumerLabels));
    }
}
