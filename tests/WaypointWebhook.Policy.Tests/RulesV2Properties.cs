using CsCheck;
using WaypointWebhook.Policy.Model;
using static WaypointWebhook.Policy.Tests.PolicyProperties;

namespace WaypointWebhook.Policy.Tests;

/// <summary>
/// Issue 13's properties, over random objects and clusters: (a) a controller-made object is never denied;
/// (b) an UPDATE that leaves the waypoint labels, template labels and endpoint labels as they were never
/// denies; (c) a verdict never depends on listener order beyond what spec section 3 says (the first
/// listener of a kind decides).
/// </summary>
public sealed class RulesV2Properties
{
    private static readonly string[] WaypointKeys =
    [
        WaypointLabels.UseWaypoint, WaypointLabels.UseWaypointNamespace, WaypointLabels.UseWaypointCanary, WaypointLabels.UseWaypointCanaryNamespace,
    ];

    private static readonly Gen<EnrollingSubject> Enrolling = PolicyProperties.Subject.Where(s => s is EnrollingSubject).Select(s => (EnrollingSubject)s);

    /// <summary>Any other labels (the waypoint keys kept as they were), any other annotations but the weight.</summary>
    private static readonly Gen<Dictionary<string, string>> OtherLabels = Labels.Select(l => l.Where(p => !WaypointKeys.Contains(p.Key)).ToDictionary());

    [Fact]
    public void A_controller_made_object_is_never_denied()
    {
        Gen.Select(Enrolling, Enrolling, Cluster).Sample(
            (subject, old, cluster) =>
            {
                var made = subject with { MadeByController = true };

                Assert.True(PolicyAssertions.Policy.Review(Operation.Create, made, null, cluster).Allowed);
                Assert.True(PolicyAssertions.Policy.Review(Operation.Update, made, old, cluster).Allowed);
                Assert.All(PolicyAssertions.Policy.Evaluate(made, cluster), f => Assert.Equal(Verdict.Warn, f.Verdict));
            },
            iter: 3000);
    }

    [Fact]
    public void An_update_that_keeps_the_waypoint_labels_never_denies()
    {
        Gen.Select(Enrolling, OtherLabels, Cluster, Gen.Int).Sample(
            (before, other, cluster, seed) =>
            {
                // A Namespace's other labels may break a Selector attachment, which spec section 5 lets deny:
                // judged only against clusters without a Selector listener.
                if (before.Kind == SubjectKind.Namespace && UsesSelector(cluster))
                {
                    return;
                }

                var addressed = before with { Enrollments = [before.Enrollments[0], .. before.Enrollments.Skip(1).Select((e, i) => e with { Address = $"10.0.0.{i}" })] };
                var after = Relabel(addressed, other, seed);

                Assert.Empty(PolicyAssertions.Policy.Review(Operation.Update, after, addressed, cluster).Denials);
            },
            iter: 3000);
    }

    [Fact]
    public void A_verdict_does_not_depend_on_the_order_of_listeners_of_different_kinds()
    {
        Gen.Select(Listener.Array[0, 6], Gen.OneOf<string?>(null, "PROXY", "NONE", "PROXY/15088", "NONE/80", "junk"), Gen.OneOf("istio-waypoint", "istio"), Gen.Int).Sample(
            (listeners, binding, className, seed) =>
            {
                // At most one listener per port, one istio.io/PROXY and one HBONE/15008: then "the first of its
                // kind" is the only one of its kind, and any order must give the same verdict.
                var distinct = Distinct(listeners);
                var shuffled = distinct.OrderBy(_ => new Random(seed).Next()).ToArray();
                var cluster = TestCluster.WithIstioClasses().Namespace("app", new Dictionary<string, string> { [WaypointLabels.DataplaneMode] = WaypointLabels.Ambient });
                var shuffledCluster = TestCluster.WithIstioClasses().Namespace("app", new Dictionary<string, string> { [WaypointLabels.DataplaneMode] = WaypointLabels.Ambient });
                cluster.Gateway(TestCluster.MakeGateway("infra", "w", className: className, listeners: distinct, inboundBinding: binding));
                shuffledCluster.Gateway(TestCluster.MakeGateway("infra", "w", className: className, listeners: shuffled, inboundBinding: binding));

                var consumer = Subjects.Service("app", "s", Subjects.UseWaypoint("w"), Subjects.UseWaypointNamespace("infra"));
                Assert.Equal(Verdicts(PolicyAssertions.Policy.Review(Operation.Create, consumer, null, cluster)), Verdicts(PolicyAssertions.Policy.Review(Operation.Create, consumer, null, shuffledCluster)));

                var gateway = new GatewaySubject(TestCluster.MakeGateway("infra", "w", className: className, listeners: distinct, inboundBinding: binding));
                var shuffledGateway = new GatewaySubject(gateway.Gateway with { Listeners = shuffled });
                Assert.Equal(Verdicts(PolicyAssertions.Policy.Review(Operation.Create, gateway, null, cluster)), Verdicts(PolicyAssertions.Policy.Review(Operation.Create, shuffledGateway, null, cluster)));
            },
            iter: 3000);
    }

    private static bool UsesSelector(TestCluster cluster) =>
        new[] { "infra", "default", "app" }.SelectMany(ns => new[] { "w", "waypoint" }.Select(name => cluster.GetGateway(ns, name)))
            .Any(g => g?.Listeners.Any(l => l.Namespaces?.From == "Selector") == true);

    /// <summary>The subject with every label but the waypoint keys replaced, and its endpoints shuffled (paired by a unique address).</summary>
    private static EnrollingSubject Relabel(EnrollingSubject subject, Dictionary<string, string> other, int seed)
    {
        EnrollmentLabels Keep(EnrollmentLabels labels)
        {
            var kept = labels.ToDictionary().Where(p => WaypointKeys.Contains(p.Key)).ToDictionary();
            foreach (var (key, value) in other)
            {
                kept[key] = value;
            }

            return new EnrollmentLabels(kept, labels.Field);
        }

        var own = subject.Enrollments[0] with { Labels = Keep(subject.Enrollments[0].Labels) };
        var shuffled = subject.Enrollments.Skip(1).ToList().OrderBy(_ => new Random(seed).Next())
            .Select((e, i) => e with { Labels = new EnrollmentLabels(e.Labels.ToDictionary(), $"spec.endpoints[{i}].labels") });
        return subject with { Enrollments = [own, .. shuffled] };
    }

    private static ListenerInfo[] Distinct(ListenerInfo[] listeners)
    {
        var ports = new HashSet<int>();
        var proxy = false;
        var result = new List<ListenerInfo>();
        foreach (var listener in listeners)
        {
            var isProxy = listener.Protocol == ListenerProtocols.Proxy;
            if (!ports.Add(listener.Port) || (isProxy && proxy))
            {
                continue;
            }

            proxy |= isProxy;
            result.Add(listener);
        }

        return [.. result];
    }

    private static string[] Verdicts(PolicyDecision decision) =>
        decision.Denials.Select(f => $"deny {f.Rule} {f.Reason}").Concat(decision.Warnings.Select(f => $"warn {f.Rule} {f.Reason}")).Order().ToArray();
}
