using WaypointWebhook.Policy.Model;
using WaypointWebhook.Policy.Syntax;

namespace WaypointWebhook.Policy.Resolution;

/// <summary>
/// The Gateway an enrollment's labels name, read as istiod reads them (<c>GetUseWaypoint</c>): UW absent or
/// <c>none</c> names nothing; otherwise <c>(UWN if present, else the consumer namespace)/UW</c>. A value that
/// is not a valid name names nothing that could exist (rules W1, W2), so it is never looked up.
/// </summary>
public static class WaypointReference
{
    public static ObjectKey? TargetOf(EnrollmentLabels labels, string consumerNamespace)
    {
        var name = labels.Get(WaypointLabels.UseWaypoint);
        if (name is null || name == WaypointLabels.OptOut || !KubernetesNames.IsDns1123Subdomain(name, KubernetesNames.MaxLabelLength))
        {
            return null;
        }

        if (!labels.Has(WaypointLabels.UseWaypointNamespace))
        {
            return new ObjectKey(consumerNamespace, name);
        }

        var @namespace = labels.Get(WaypointLabels.UseWaypointNamespace);
        return KubernetesNames.IsDns1123Label(@namespace) && @namespace is { } ns ? new ObjectKey(ns, name) : null;
    }
}
