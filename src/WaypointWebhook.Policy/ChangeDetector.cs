using System.Text;
using WaypointWebhook.Policy.Model;
using WaypointWebhook.Policy.Rules;

namespace WaypointWebhook.Policy;

/// <summary>
/// On UPDATE a finding keeps its deny only when what it is about changed against the old object
/// (spec section 5); otherwise a reference that broke later would block a scale or a status write.
/// </summary>
public static class ChangeDetector
{
    public static bool Changed(Finding finding, Subject current, Subject? old) => (current, old) switch
    {
        (_, null) => true,
        (EnrollingSubject now, EnrollingSubject before) when now.Kind == before.Kind => EnrollmentChanged(finding.Scope, now, before),
        (GatewaySubject now, GatewaySubject before) => GatewayChanged(now.Gateway, before.Gateway),
        (GatewayClassSubject now, GatewayClassSubject before) => now.GatewayClass.WaypointFor != before.GatewayClass.WaypointFor,
        _ => true,
    };

    private static bool EnrollmentChanged(string scope, EnrollingSubject now, EnrollingSubject before)
    {
        // A Namespace's waypoint selector reads all its labels, so any label change counts.
        if (now.Kind == SubjectKind.Namespace)
        {
            return !SameLabels(now.Labels.ToDictionary(), before.Labels.ToDictionary());
        }

        var current = now.Enrollments.FirstOrDefault(e => e.Labels.Field == scope);
        var previous = before.Enrollments.FirstOrDefault(e => e.Labels.Field == scope);
        if (current is null || previous is null)
        {
            return true;
        }

        return current.Labels.Get(WaypointLabels.UseWaypoint) != previous.Labels.Get(WaypointLabels.UseWaypoint)
               || current.Labels.Has(WaypointLabels.UseWaypoint) != previous.Labels.Has(WaypointLabels.UseWaypoint)
               || current.Labels.Get(WaypointLabels.UseWaypointNamespace) != previous.Labels.Get(WaypointLabels.UseWaypointNamespace)
               || current.Labels.Has(WaypointLabels.UseWaypointNamespace) != previous.Labels.Has(WaypointLabels.UseWaypointNamespace);
    }

    private static bool GatewayChanged(GatewayInfo now, GatewayInfo before) =>
        now.WaypointFor != before.WaypointFor
        || now.ClassName != before.ClassName
        || now.InboundBinding != before.InboundBinding
        || ListenerFingerprint(now) != ListenerFingerprint(before);

    private static bool SameLabels(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        a.Count == b.Count && a.All(pair => b.TryGetValue(pair.Key, out var value) && value == pair.Value);

    /// <summary>A canonical text of the listeners: records hold maps and lists, which compare by reference.</summary>
    private static string ListenerFingerprint(GatewayInfo gateway)
    {
        var text = new StringBuilder();
        foreach (var listener in gateway.Listeners)
        {
            text.Append(listener.Name).Append('|').Append(listener.Port).Append('|').Append(listener.Protocol).Append('|')
                .Append(listener.Namespaces?.From).Append('|');
            if (listener.Namespaces?.Selector is { } selector)
            {
                foreach (var (key, value) in (selector.MatchLabels ?? new Dictionary<string, string?>()).OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    text.Append(key).Append('=').Append(value).Append(',');
                }

                foreach (var requirement in selector.MatchExpressions ?? [])
                {
                    text.Append(requirement.Key).Append(' ').Append(requirement.Operator).Append(' ')
                        .AppendJoin(',', requirement.Values ?? []).Append(';');
                }
            }
            else
            {
                text.Append("<no selector>");
            }

            text.Append('\n');
        }

        return text.ToString();
    }
}
