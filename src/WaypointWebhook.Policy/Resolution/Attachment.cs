using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Policy.Resolution;

/// <summary>
/// Which namespaces may use a waypoint: the allowedRoutes of its one attachment listener
/// (istiod's <c>makeAllowedRoutes</c> and <c>AllowsAttachmentFromNamespace</c>).
/// </summary>
public static class Attachment
{
    public const string FromAll = "All";
    public const string FromSame = "Same";
    public const string FromSelector = "Selector";

    /// <summary>
    /// The listener whose allowedRoutes decide, as istiod's <c>findBoundListener</c> and <c>makeAllowedRoutes</c>
    /// choose it: a binding with a port picks the first listener on that port, else <c>PROXY</c> the first
    /// <c>istio.io/PROXY</c> listener (<c>NONE</c> picks nothing); no binding, or one that picked nothing, falls
    /// back to the first HBONE listener on 15008; none at all means <c>Same</c> (a null listener).
    /// </summary>
    public static (int Index, ListenerInfo? Listener) AttachmentListener(GatewayInfo gateway, string? inboundBinding)
    {
        var binding = InboundBinding.Parse(inboundBinding);
        Func<ListenerInfo, bool>? bound = binding switch
        {
            null => null,
            { Port: not 0 } => l => l.Port == binding.Port,
            { Protocol: InboundBinding.ProtocolProxy } => l => l.Protocol == ListenerProtocols.Proxy,
            _ => null,
        };

        if (bound is not null && First(gateway, bound) is { Index: >= 0 } found)
        {
            return found;
        }

        return First(gateway, l => l.Port == ListenerProtocols.HbonePort && l.Protocol == ListenerProtocols.Hbone);
    }

    private static (int Index, ListenerInfo? Listener) First(GatewayInfo gateway, Func<ListenerInfo, bool> pick)
    {
        for (var i = 0; i < gateway.Listeners.Count; i++)
        {
            if (pick(gateway.Listeners[i]))
            {
                return (i, gateway.Listeners[i]);
            }
        }

        return (-1, null);
    }

    /// <summary>The effective <c>from</c>: an absent listener, allowedRoutes, namespaces or from means Same.</summary>
    public static string FromOf(ListenerInfo? listener) => listener?.Namespaces?.From ?? FromSame;

    /// <summary>Whether a subject in <paramref name="consumer"/> may use the waypoint.</summary>
    public static bool Allows(GatewayInfo gateway, ListenerInfo? listener, string consumer, IReadOnlyDictionary<string, string> consumerLabels) =>
        FromOf(listener) switch
        {
            FromAll => true,
            FromSelector => LabelSelectors.Matches(listener?.Namespaces?.Selector, consumerLabels),
            _ => consumer == gateway.Namespace, // Same, and any value the Gateway API does not define
        };
}
