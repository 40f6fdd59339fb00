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

    /// <summary>
    /// The scope of a Namespace's W8 on a <c>Selector</c> listener that admitted the namespace's old labels and
    /// refuses its new ones: the label change itself broke the attachment, so the deny stands.
    /// </summary>
    public const string NamespaceLabelsScope = "namespace-labels";

    /// <summary>Appended to an enrollment's field for a canary finding: its UWC/UWCN and weight annotation decide.</summary>
    public const string CanarySuffix = "#canary";

    private static readonly string[] PrimaryKeys = [WaypointLabels.UseWaypoint, WaypointLabels.UseWaypointNamespace];
    private static readonly string[] CanaryKeys = [WaypointLabels.UseWaypointCanary, WaypointLabels.UseWaypointCanaryNamespace];

    private static bool EnrollmentChanged(string scope, EnrollingSubject now, EnrollingSubject before)
    {
        // Any other label change of a Namespace (kubectl label ns app istio.io/dataplane-mode=ambient) keeps
        // its pre-existing findings as warnings: only its waypoint labels, or a label change that broke a
        // Selector attachment, cause a deny.
        if (scope == NamespaceLabelsScope)
        {
            return true;
        }

        var canary = scope.EndsWith(CanarySuffix, StringComparison.Ordinal);
        var field = canary ? scope[..^CanarySuffix.Length] : scope;
        var current = now.Enrollments.FirstOrDefault(e => e.Labels.Field == field);
        var previous = before.Enrollments.FirstOrDefault(e => e.Labels.Field == field);
        if (current is null || previous is null)
        {
            return true;
        }

        return canary
            ? !SameKeys(CanaryKeys, current.Labels, previous.Labels)
              || now.Annotation(WaypointLabels.CanaryWeightAnnotation) != before.Annotation(WaypointLabels.CanaryWeightAnnotation)
            : !SameKeys(PrimaryKeys, current.Labels, previous.Labels);
    }

    /// <summary>Whether each key is present, or absent, in both, with the same value.</summary>
    public static bool SameKeys(IEnumerable<string> keys, EnrollmentLabels a, EnrollmentLabels b) =>
        keys.All(key => a.Has(key) == b.Has(key) && a.Get(key) == b.Get(key));

    /// <summary>
    /// Whether two versions of a Gateway look the same to every rule that judges its consumers: class, traffic type,
    /// sandwich labels, binding, readiness and listeners (names aside, which only messages show). A Gateway UPDATE
    /// that changes nothing else (an annotation, an unrelated label) can unbind nothing, and the reverse check skips
    /// its 10,000 consumers. A field a rule starts to read must be added here.
    /// </summary>
    internal static bool SameForConsumers(GatewayInfo now, GatewayInfo before) =>
        now.ClassName == before.ClassName
        && now.WaypointFor == before.WaypointFor
        && now.Labels.GetValueOrDefault(WaypointLabels.DataplaneMode) == before.Labels.GetValueOrDefault(WaypointLabels.DataplaneMode)
        && now.InfrastructureLabels?.GetValueOrDefault(WaypointLabels.DataplaneMode) == before.InfrastructureLabels?.GetValueOrDefault(WaypointLabels.DataplaneMode)
        && now.InboundBinding == before.InboundBinding
        && now.HasAddresses == before.HasAddresses
        && ListenerFingerprint(now, withNames: false) == ListenerFingerprint(before, withNames: false);

    private static bool GatewayChanged(GatewayInfo now, GatewayInfo before) =>
        now.WaypointFor != before.WaypointFor
        || now.ClassName != before.ClassName
        || now.InboundBinding != before.InboundBinding
        || ListenerFingerprint(now, withNames: true) != ListenerFingerprint(before, withNames: true);

    /// <summary>A canonical text of the listeners: records hold maps and lists, which compare by reference.</summary>
    private static string ListenerFingerprint(GatewayInfo gateway, bool withNames)
    {
        var text = new StringBuilder();
        foreach (var listener in gateway.Listeners)
        {
            text.Append(withNames ? listener.Name : null).Append('|').Append(listener.Port).Append('|').Append(listener.Protocol).Append('|')
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
