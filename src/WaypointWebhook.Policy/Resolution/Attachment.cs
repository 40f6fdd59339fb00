using System.Globalization;
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
    /// The listener whose allowedRoutes decide. With the inbound-binding annotation: <c>PROTOCOL/PORT</c>
    /// picks the first listener on that port, <c>PROXY</c> the first <c>istio.io/PROXY</c> listener and
    /// <c>NONE</c> none; otherwise the first HBONE listener on 15008.
    /// </summary>
    public static (int Index, ListenerInfo? Listener) AttachmentListener(GatewayInfo gateway, string? inboundBinding)
    {
        Func<ListenerInfo, bool> pick = inboundBinding switch
        {
            null => l => l.Port == ListenerProtocols.HbonePort && l.Protocol == ListenerProtocols.Hbone,
            "NONE" => _ => false,
            "PROXY" => l => l.Protocol == ListenerProtocols.Proxy,
            _ when BindingPort(inboundBinding) is { } port => l => l.Port == port,
            _ => l => l.Port == ListenerProtocols.HbonePort && l.Protocol == ListenerProtocols.Hbone,
        };

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
            FromSelector => LabelSelectors.Matches(listener!.Namespaces!.Selector, consumerLabels),
            _ => consumer == gateway.Namespace, // Same, and any value the Gateway API does not define
        };

    private static int? BindingPort(string binding)
    {
        var slash = binding.IndexOf('/');
        return slash > 0 && int.TryParse(binding.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            ? port
            : null;
    }
}
