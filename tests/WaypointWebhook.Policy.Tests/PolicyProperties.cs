using System.Reflection;
using CsCheck;
using WaypointWebhook.Policy.Configuration;
using WaypointWebhook.Policy.Model;
using WaypointWebhook.Policy.Resolution;

namespace WaypointWebhook.Policy.Tests;

/// <summary>Random subjects against random clusters: the policy never throws and its findings are well formed.</summary>
public sealed class PolicyProperties
{
    private static readonly HashSet<string> ReasonCodeValues = typeof(ReasonCodes).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetValue(null)!).ToHashSet();

    internal static readonly Gen<string> Value = Gen.Frequency(
        (5, Gen.OneOf("none", "None", "", "w", "infra", "default", "app", "service", "workload", "all", "Workload", "In", "NotIn", "Exists", "DoesNotExist", "Selector", "All", "Same", "ambient", "PROXY", "NONE", "TCP/15008")),
        (1, Gen.String[Gen.Char[' ', '~'], 0, 70]),
        (1, Gen.String[Gen.Char['\u0000', '\uffff'], 0, 6]));

    internal static readonly Gen<string> Key = Gen.Frequency(
        (5, Gen.OneOf(WaypointLabels.UseWaypoint, WaypointLabels.UseWaypointNamespace, WaypointLabels.IngressUseWaypoint, WaypointLabels.DataplaneMode, WaypointLabels.WaypointFor, WaypointLabels.GatewayName, "team")),
        (2, Gen.OneOf(WaypointLabels.UseWaypointCanary, WaypointLabels.UseWaypointCanaryNamespace, WaypointLabels.ManagedGateway)),
        (1, Value));

    internal static readonly Gen<Dictionary<string, string>> Labels =
        Gen.Select(Key, Value).Array[0, 5].Select(pairs => pairs.GroupBy(p => p.Item1).ToDictionary(g => g.Key, g => g.Last().Item2));

    internal static readonly Gen<LabelSelector?> Selector = Gen.Select(Gen.Int[0, 3], Labels, Gen.Select(Key, Value, Value.Array[0, 2], Gen.Bool).Array[0, 3])
        .Select((shape, matchLabels, expressions) => shape == 0
            ? null
            : new LabelSelector(
                matchLabels.ToDictionary(p => p.Key, p => (string?)p.Value),
                expressions.Select(e => new LabelSelectorRequirement(e.Item1, e.Item2, e.Item4 ? e.Item3 : null)).ToList()));

    internal static readonly Gen<ListenerInfo> Listener = Gen.Select(Value, Gen.Frequency((3, Gen.Const(15008)), (1, Gen.Int[0, 70000])), Gen.OneOf("HBONE", "HTTP", "istio.io/PROXY", "hbone"), Gen.OneOf<string?>(null, "All", "Same", "Selector", "Other"), Selector)
        .Select((name, port, protocol, from, selector) => new ListenerInfo(name, port, protocol, from is null && selector is null ? null : new RouteNamespaces(from, selector)));

    internal static readonly Gen<TestCluster> Cluster = Gen.Select(
            Gen.Select(Gen.OneOf("infra", "default", "app"), Gen.OneOf("w", "waypoint"), Gen.OneOf<string?>(null, "service", "workload", "all", "none", "All"), Gen.OneOf("istio-waypoint", "istio", "other"), Listener.Array[0, 3], Gen.OneOf<bool?>(null, true, false), Gen.OneOf<string?>(null, "PROXY", "NONE", "HTTP/80", "junk")).Array[0, 4],
            Labels,
            Gen.OneOf<string?>(null, "service", "workload", "Bad"))
        .Select((gateways, namespaceLabels, classTraffic) =>
        {
            var cluster = new TestCluster()
                .Class("istio-waypoint", "istio.io/mesh-controller", classTraffic is null ? null : new Dictionary<string, string> { [WaypointLabels.WaypointFor] = classTraffic })
                .Class("istio", "istio.io/gateway-controller")
                .Namespace("app", namespaceLabels);
            foreach (var g in gateways)
            {
                cluster.Gateway(TestCluster.MakeGateway(g.Item1, g.Item2, g.Item3, className: g.Item4, listeners: g.Item5, addresses: g.Item6, inboundBinding: g.Item7));
            }

            return cluster;
        });

    internal static readonly Gen<Subject> Subject = Gen.Select(Gen.Int[0, 6], Labels, Labels, Gen.OneOf("app", "default", "kube-system"), Listener.Array[0, 3])
        .Select<int, Dictionary<string, string>, Dictionary<string, string>, string, ListenerInfo[], Subject>((kind, labels, more, ns, listeners) => kind switch
        {
            0 => Subjects.Pod(ns, "p", labels.Select(p => (p.Key, p.Value)).ToArray()),
            1 => Subjects.Service(ns, "s", labels.Select(p => (p.Key, p.Value)).ToArray()),
            2 => Subjects.Namespace(ns, labels.Select(p => (p.Key, p.Value)).ToArray()),
            3 => Subjects.WorkloadEntry(ns, "we", labels.Select(p => (p.Key, p.Value)).ToArray(), more.Select(p => (p.Key, p.Value)).ToArray()),
            4 => Subjects.ServiceEntry(ns, "se", labels.Select(p => (p.Key, p.Value)).ToArray(), more.Select(p => (p.Key, p.Value)).ToArray()) with
            {
                Hosts = more.Count % 2 == 0 ? ["*.example.com"] : ["api.example.com"],
                Annotations = more.TryGetValue("team", out var weight) ? new Dictionary<string, string> { [WaypointLabels.CanaryWeightAnnotation] = weight, [WaypointLabels.ConnectStrategyAnnotation] = "RACE_FIRST_TCP_CONNECT" } : null,
            },
            5 => new GatewaySubject(TestCluster.MakeGateway(ns, "g", listeners: listeners, labels: labels)),
            _ => new GatewayClassSubject(new GatewayClassInfo("c", "istio.io/mesh-controller", labels, null)),
        });

    [Fact]
    public void Every_finding_is_well_formed_and_modes_hold()
    {
        var warnOnly = new WaypointPolicy(new PolicyOptions { Enforcement = EnforcementMode.Warn });
        Gen.Select(Subject, Subject, Cluster).Sample(
            (subject, old, cluster) =>
            {
                foreach (var finding in PolicyAssertions.Policy.Evaluate(subject, cluster))
                {
                    Assert.Contains(finding.Reason, ReasonCodeValues);
                    Assert.False(string.IsNullOrWhiteSpace(finding.Message));
                    Assert.DoesNotContain('\n', finding.Message);
                    Assert.Matches(@"^(metadata\.labels|metadata\.annotations|spec\.)", finding.Field);
                }

                Assert.True(warnOnly.Review(Operation.Create, subject, null, cluster).Allowed);
                Assert.True(PolicyAssertions.Policy.Review(Operation.Delete, subject, old, cluster).Allowed);

                // UPDATE never denies more than CREATE does.
                Assert.True(PolicyAssertions.Policy.Review(Operation.Update, subject, old, cluster).Denials.Count
                            <= PolicyAssertions.Policy.Review(Operation.Create, subject, null, cluster).Denials.Count);
                Assert.Empty(PolicyAssertions.Policy.Review(Operation.Update, subject, subject, cluster).Denials);
            },
            iter: 5000);
    }

    [Fact]
    public void Label_selectors_never_throw_and_invalid_ones_match_nothing()
    {
        Gen.Select(Selector, Labels).Sample(
            (selector, labels) =>
            {
                var matched = LabelSelectors.Matches(selector, labels);
                if (selector is null || LabelSelectors.Problem(selector) is not null)
                {
                    Assert.False(matched);
                }
            },
            iter: 5000);
    }
}
