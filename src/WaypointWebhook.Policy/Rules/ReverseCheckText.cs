using System.Globalization;
using System.Text;
using WaypointWebhook.Policy.Messages;
using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Policy.Rules;

/// <summary>
/// The messages of the reverse check (spec section 7): which consumers a change unbinds, counted per kind, with
/// up to five names and the fix for the reason, or which stamped Gateways a GatewayClass label does not reach.
/// Each is built to fit one warning (<see cref="AnswerBounds.MaxWarningLength"/> with its <c>[Reason] </c>):
/// names are clipped and dropped before the fix is.
/// </summary>
internal static class ReverseCheckText
{
    /// <summary>At most this many names in a message, then <see cref="SafeText.Ellipsis"/>.</summary>
    public const int MaxNames = 5;

    /// <summary>A name longer than this is clipped (<c>default/reviews-v2-…</c>), so that several fit.</summary>
    private const int MaxNameShown = 48;

    /// <summary>The shortest clipped name worth showing; below it the list ends with the ellipsis.</summary>
    private const int MinNameShown = 8;

    /// <summary>The kinds in the order messages count them, with their singular and plural forms.</summary>
    private static readonly (SubjectKind Kind, string One, string Many)[] Kinds =
    [
        (SubjectKind.Pod, "Pod", "Pods"),
        (SubjectKind.Service, "Service", "Services"),
        (SubjectKind.ServiceEntry, "ServiceEntry", "ServiceEntries"),
        (SubjectKind.WorkloadEntry, "WorkloadEntry", "WorkloadEntries"),
        (SubjectKind.Namespace, "Namespace", "Namespaces"),
    ];

    /// <summary>
    /// <c>this change unbinds 12 Pods and 1 Service in default (default/a, default/b, …): they need workload traffic; keep …</c>
    /// </summary>
    /// <param name="counts">How many consumers of each kind.</param>
    /// <param name="namespace">The namespace all of them are in, null when they are not in one (or are Namespaces).</param>
    /// <param name="names">The first names in order (<see cref="MaxNames"/> at most), as <see cref="NameOf"/> gives them.</param>
    /// <param name="total">How many consumers in all.</param>
    /// <param name="needs">For <c>UnsupportedTrafficType</c>: the traffic they need.</param>
    public static string Unbinds(string reason, IReadOnlyDictionary<SubjectKind, int> counts, string? @namespace, IReadOnlyList<string> names, int total, IReadOnlySet<TrafficNeed> needs)
    {
        var head = $"this change unbinds {Counted(counts)}{(@namespace is null ? string.Empty : $" in {Text.Name(@namespace)}")}";
        var tail = $": {Fix(reason, needs)}";
        return Fit(reason, head, names, total, tail);
    }

    /// <summary>
    /// <c>GatewayClass c: istio.io/waypoint-for=all does not reach 2 Gateways whose label the mutation stamped (ns/a, ns/b): they keep service; …</c>
    /// </summary>
    public static string StampedGateways(string className, string value, IReadOnlyList<string> names, int total, string kept)
    {
        var head = $"GatewayClass {Text.Name(className)}: {WaypointLabels.WaypointFor}={Text.Quote(value)} does not reach {Count(total, "Gateway", "Gateways")} " +
                   $"whose {WaypointLabels.WaypointFor} the webhook's mutation stamped ({WaypointLabels.DefaultedAnnotation})";
        var tail = $": they keep {Text.Quote(kept)}; to inherit the class's value remove it: kubectl label gateway -n <ns> <name> {WaypointLabels.WaypointFor}-";
        return Fit(ReasonCodes.IgnoredLabel, head, names, total, tail);
    }

    /// <summary>How a message names a consumer: <c>namespace/name</c>, or the name of a cluster-scoped one (a Namespace).</summary>
    public static string NameOf(ObjectRef reference) =>
        reference.Namespace is null ? reference.Name : $"{reference.Namespace}/{reference.Name}";

    /// <summary>The fix for each reason: what the change took away, and how to keep or replace it.</summary>
    private static string Fix(string reason, IReadOnlySet<TrafficNeed> needs) => reason switch
    {
        ReasonCodes.UnsupportedTrafficType =>
            $"they need {Needs(needs)} traffic; keep {WaypointLabels.WaypointFor}=all or move them to another waypoint",
        ReasonCodes.AttachmentDenied =>
            "the waypoint's allowedRoutes no longer admit their namespace; admit it (from: All, or a Selector that matches it) or move them to another waypoint",
        ReasonCodes.NotAWaypoint =>
            "their Gateway is no longer a waypoint; keep a waypoint class (istio-waypoint) or move them to another waypoint",
        ReasonCodes.WaypointIsNotReady =>
            "their waypoint would no longer exist or be programmed; keep it or move them to another waypoint",
        ReasonCodes.NotInAmbient =>
            $"their namespace leaves ambient mode and ztunnel no longer captures their traffic; keep {WaypointLabels.DataplaneMode}=ambient",
        ReasonCodes.CrossNamespaceWaypointForbidden =>
            "ServiceEntries with NAMESPACE visibility may not use a waypoint in another namespace; give them one in their own",
        ReasonCodes.WaypointMissing =>
            "these ServiceEntries need a waypoint (wildcard host or connect strategy); keep one bound",
        ReasonCodes.InvalidLabelValue =>
            $"the {WaypointLabels.UseWaypoint} they inherit is not a valid reference; fix the Namespace's label or give them their own",
        _ => "keep their waypoint as it was or move them to another waypoint",
    };

    private static string Needs(IReadOnlySet<TrafficNeed> needs) =>
        needs.Contains(TrafficNeed.Service) && needs.Contains(TrafficNeed.Workload) ? "service and workload"
        : needs.Contains(TrafficNeed.Workload) ? TrafficTypes.Workload
        : TrafficTypes.Service;

    /// <summary><c>12 Pods and 1 Service</c>, <c>1 Pod, 2 Services and 3 Namespaces</c>.</summary>
    private static string Counted(IReadOnlyDictionary<SubjectKind, int> counts)
    {
        var parts = new List<string>(Kinds.Length);
        foreach (var (kind, one, many) in Kinds)
        {
            if (counts.TryGetValue(kind, out var count) && count > 0)
            {
                parts.Add(Count(count, one, many));
            }
        }

        foreach (var (kind, count) in counts.OrderBy(c => c.Key))
        {
            if (count > 0 && !Kinds.Any(k => k.Kind == kind))
            {
                parts.Add(Count(count, kind.ToString(), kind + "s"));
            }
        }

        return parts.Count switch
        {
            0 => "nothing",
            1 => parts[0],
            _ => $"{string.Join(", ", parts.Take(parts.Count - 1))} and {parts[^1]}",
        };
    }

    private static string Count(int count, string one, string many) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} {(count == 1 ? one : many)}");

    /// <summary>
    /// <paramref name="head"/>, the names in parentheses, <paramref name="tail"/>: as many names as fit in one warning,
    /// each clipped, with <see cref="SafeText.Ellipsis"/> when some are left out.
    /// </summary>
    private static string Fit(string reason, string head, IReadOnlyList<string> names, int total, string tail)
    {
        var budget = AnswerBounds.MaxWarningLength - reason.Length - 3; // "[Reason] "
        var fixedPart = SafeText.OneLine(head);
        var end = SafeText.OneLine(tail);
        var room = budget - fixedPart.Length - end.Length - " ()".Length;
        var list = new StringBuilder();
        var shown = 0;
        foreach (var name in names.Take(MaxNames))
        {
            var separator = shown == 0 ? string.Empty : ", ";
            var more = total > shown + 1 ? ", " + SafeText.Ellipsis : string.Empty;
            var left = room - list.Length - separator.Length - more.Length;
            if (left < MinNameShown)
            {
                break;
            }

            list.Append(separator).Append(SafeText.Clip(name, Math.Min(MaxNameShown, left)));
            shown++;
        }

        if (shown < total)
        {
            list.Append(shown == 0 ? string.Empty : ", ").Append(SafeText.Ellipsis);
        }

        var message = $"{fixedPart} ({list}){end}";

        // Only a namespace name of the full 128 characters with a long fix can still overflow: the tail goes last.
        return SafeText.Clip(message, budget);
    }
}
