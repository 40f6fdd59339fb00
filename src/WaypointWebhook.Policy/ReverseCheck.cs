using WaypointWebhook.Policy.Configuration;
using WaypointWebhook.Policy.Model;
using WaypointWebhook.Policy.Resolution;
using WaypointWebhook.Policy.Rules;

namespace WaypointWebhook.Policy;

/// <summary>
/// The reverse check (spec section 7): on UPDATE or DELETE of a Gateway or GatewayClass and on UPDATE of a
/// Namespace's labels, the consumers the change affects are judged in the cluster before it (the view with the
/// old object) and after it (with the new one, or without it): those bound before and not bound after are
/// reported, one finding per reason. The object under admission is not among them: the forward rules judge it.
/// </summary>
internal static class ReverseCheck
{
    /// <summary>The rule id of a finding that reports consumers a change unbinds.</summary>
    public const string UnbindsRule = "R1";

    /// <summary>The rule id of a finding about stamped Gateways a GatewayClass's label does not reach.</summary>
    public const string StampedRule = "R2";

    /// <summary>The scope of reverse findings: caused by the change by construction, never downgraded by the <see cref="ChangeDetector"/>.</summary>
    public const string Scope = "consumers";

    /// <summary>What a change affects and the cluster around it, before and after.</summary>
    private sealed record Change(IEnumerable<EnrollingSubject> Consumers, IClusterView Before, IClusterView After, Func<string, string> FieldFor);

    /// <param name="subject">The new object (null on DELETE).</param>
    /// <param name="old">The old object (the deleted one on DELETE).</param>
    /// <param name="unbindVerdict">The verdict of a finding about unbound consumers (deny only when configured and enforced).</param>
    public static List<Finding>? Findings(WaypointPolicy policy, Subject? subject, Subject? old, IClusterView view, Verdict unbindVerdict)
    {
        List<Finding>? findings = null;
        if (ChangeOf(subject, old, view) is { } change)
        {
            Unbound(policy, change, unbindVerdict, ref findings);
        }

        if (subject is GatewayClassSubject now && old is GatewayClassSubject before)
        {
            Stamped(policy.Options, now.GatewayClass, before.GatewayClass, view, ref findings);
        }

        return findings;
    }

    private static Change? ChangeOf(Subject? subject, Subject? old, IClusterView view)
    {
        switch (subject ?? old)
        {
            case GatewaySubject { Gateway: var gateway }:
                var key = new ObjectKey(gateway.Namespace, gateway.Name);
                return new Change(
                    view.Consumers.Naming(key),
                    old is GatewaySubject before ? ChangedView.WithGateway(view, key, before.Gateway) : view,
                    ChangedView.WithGateway(view, key, (subject as GatewaySubject)?.Gateway),
                    subject is null ? _ => "metadata" : GatewayField);
            case GatewayClassSubject { GatewayClass.Name: var name }:
                return new Change(
                    ConsumersOfClass(view, name),
                    old is GatewayClassSubject beforeClass ? ChangedView.WithGatewayClass(view, name, beforeClass.GatewayClass) : view,
                    ChangedView.WithGatewayClass(view, name, (subject as GatewayClassSubject)?.GatewayClass),
                    subject is null ? _ => "metadata" : GatewayClassField);
            case EnrollingSubject { Kind: SubjectKind.Namespace } ns when subject is EnrollingSubject now && old is EnrollingSubject previous:
                var nsName = ns.Object.Name;
                if (SameLabels(now, previous))
                {
                    return null;
                }

                return new Change(
                    view.Consumers.In(nsName).Where(c => !(c.Kind == SubjectKind.Namespace && c.Object.Name == nsName)),
                    ChangedView.WithNamespace(view, nsName, NamespaceOf(previous, view)),
                    ChangedView.WithNamespace(view, nsName, NamespaceOf(now, view)),
                    _ => "metadata.labels");
            default:
                return null;
        }
    }

    /// <summary>The consumers of every Gateway of the class, each once (one may name two of them).</summary>
    private static IEnumerable<EnrollingSubject> ConsumersOfClass(IClusterView view, string className)
    {
        var seen = new HashSet<ObjectRef>();
        foreach (var gateway in view.GatewaysOfClass(className))
        {
            foreach (var consumer in view.Consumers.Naming(new ObjectKey(gateway.Namespace, gateway.Name)))
            {
                if (seen.Add(consumer.Object))
                {
                    yield return consumer;
                }
            }
        }
    }

    private static void Unbound(WaypointPolicy policy, Change change, Verdict verdict, ref List<Finding>? findings)
    {
        var before = new ConsumerJudge(policy, change.Before);
        var after = new ConsumerJudge(policy, change.After);
        var groups = new Dictionary<string, ReasonGroup>(StringComparer.Ordinal);
        var order = new List<ReasonGroup>();
        foreach (var consumer in change.Consumers)
        {
            if (consumer.ConsumerNamespace is { } ns && policy.Options.ExcludedNamespaces.Contains(ns))
            {
                continue;
            }

            var key = ConsumerClassKey.Of(consumer);
            if (!before.Judge(consumer, key).Bound || after.Judge(consumer, key) is not { Exempt: false, Unbinding: { } unbinding })
            {
                continue;
            }

            if (!groups.TryGetValue(unbinding.Reason, out var group))
            {
                group = new ReasonGroup(unbinding.Reason, UnbindingRules.Rank(unbinding.Rule));
                groups.Add(unbinding.Reason, group);
                order.Add(group);
            }

            group.Add(consumer, unbinding);
        }

        // Reasons in istiod's order of checks, so the same change always reads the same.
        foreach (var group in order.OrderBy(g => g.Rank).ThenBy(g => g.Reason, StringComparer.Ordinal))
        {
            (findings ??= []).Add(new Finding(
                UnbindsRule,
                group.Reason,
                verdict,
                change.FieldFor(group.Reason),
                ReverseCheckText.Unbinds(group.Reason, group.Counts, group.Namespace, group.Names.Names, group.Names.Total, group.Needs),
                Scope));
        }
    }

    /// <summary>
    /// A GatewayClass UPDATE that sets or changes its <c>istio.io/waypoint-for</c> does not reach the Gateways of
    /// the class whose own label the mutation stamped: their label wins (spec section 7).
    /// </summary>
    private static void Stamped(PolicyOptions options, GatewayClassInfo now, GatewayClassInfo before, IClusterView view, ref List<Finding>? findings)
    {
        if (now.WaypointFor is not { } value || value == before.WaypointFor)
        {
            return;
        }

        var names = new FirstNames(ReverseCheckText.MaxNames);
        var kept = new HashSet<string>(StringComparer.Ordinal);
        foreach (var gateway in view.GatewaysOfClass(now.Name))
        {
            if (gateway.WaypointForStamped && gateway.WaypointFor != value && !options.ExcludedNamespaces.Contains(gateway.Namespace))
            {
                names.Add($"{gateway.Namespace}/{gateway.Name}");
                kept.Add(gateway.WaypointFor!);
            }
        }

        if (names.Total == 0)
        {
            return;
        }

        (findings ??= []).Add(new Finding(
            StampedRule,
            ReasonCodes.IgnoredLabel,
            Verdict.Warn,
            $"metadata.labels[{WaypointLabels.WaypointFor}]",
            ReverseCheckText.StampedGateways(now.Name, value, names.Names, names.Total, kept.Count == 1 ? kept.First() : string.Join("/", kept.Order(StringComparer.Ordinal))),
            Scope));
    }

    private static bool SameLabels(EnrollingSubject now, EnrollingSubject before)
    {
        var a = now.Labels.ToDictionary();
        var b = before.Labels.ToDictionary();
        return a.Count == b.Count && a.All(pair => b.TryGetValue(pair.Key, out var value) && value == pair.Value);
    }

    /// <summary>A Namespace under admission as the view holds one: its labels, and the annotations the rules read.</summary>
    private static NamespaceInfo NamespaceOf(EnrollingSubject ns, IClusterView view) =>
        new(ns.Object.Name, ns.Labels.ToDictionary(), ns.Annotations ?? view.GetNamespace(ns.Object.Name)?.Annotations);

    /// <summary>The field of a Gateway a reason is about.</summary>
    private static string GatewayField(string reason) => reason switch
    {
        ReasonCodes.UnsupportedTrafficType => $"metadata.labels[{WaypointLabels.WaypointFor}]",
        ReasonCodes.AttachmentDenied => "spec.listeners",
        ReasonCodes.NotAWaypoint => "spec.gatewayClassName",
        _ => "metadata",
    };

    private static string GatewayClassField(string reason) => reason switch
    {
        ReasonCodes.UnsupportedTrafficType => $"metadata.labels[{WaypointLabels.WaypointFor}]",
        ReasonCodes.NotAWaypoint => "spec.controllerName",
        _ => "metadata",
    };

    /// <summary>The consumers one reason unbinds: counted per kind, the first names, their namespace when they share one.</summary>
    private sealed class ReasonGroup(string reason, int rank)
    {
        private readonly Dictionary<SubjectKind, int> counts = [];
        private string? firstNamespace;
        private bool mixedNamespaces;

        public string Reason => reason;

        public int Rank => rank;

        public IReadOnlyDictionary<SubjectKind, int> Counts => counts;

        public FirstNames Names { get; } = new(ReverseCheckText.MaxNames);

        public HashSet<TrafficNeed> Needs { get; } = [];

        /// <summary>The namespace every consumer is in, null when they are in several or one is cluster-scoped (a Namespace).</summary>
        public string? Namespace => mixedNamespaces ? null : firstNamespace;

        public void Add(EnrollingSubject consumer, Unbinding unbinding)
        {
            counts[consumer.Kind] = counts.GetValueOrDefault(consumer.Kind) + 1;
            Needs.Add(unbinding.Needs);
            Names.Add(ReverseCheckText.NameOf(consumer.Object));
            if (Names.Total == 1)
            {
                firstNamespace = consumer.Object.Namespace;
                mixedNamespaces = firstNamespace is null;
            }
            else if (consumer.Object.Namespace != firstNamespace)
            {
                mixedNamespaces = true;
            }
        }
    }
}
