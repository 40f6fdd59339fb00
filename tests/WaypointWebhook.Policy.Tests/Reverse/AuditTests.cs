using WaypointWebhook.Policy.Configuration;
using WaypointWebhook.Policy.Model;
using static WaypointWebhook.Policy.Tests.Reverse.ReverseFixtures;
using static WaypointWebhook.Policy.Tests.Subjects;

namespace WaypointWebhook.Policy.Tests.Reverse;

/// <summary>The audit (spec section 7): every indexed consumer that istiod does not bind now, with the finding that says why.</summary>
public sealed class AuditTests
{
    /// <summary>A service-only waypoint default/wp and consumers of every sort around it.</summary>
    private static TestCluster Cluster() =>
        ReverseFixtures.Cluster(Waypoint("default", "wp", null), "default", "kube-system")
            .Waypoint("default", "workload-only", "workload")
            .Consumer(Pod("default", "p-1", UseWaypoint("wp")))
            .Consumer(Pod("default", "p-0", UseWaypoint("wp")))
            .Consumer(Pod("default", "rs-7d4f9", UseWaypoint("wp")) with { MadeByController = true })
            .Consumer(Service("default", "reviews", UseWaypoint("wp")))
            .Consumer(Service("default", "opted-out", UseWaypoint("none")))
            .Consumer(ServiceEntry("default", "api", [UseWaypoint("wp")], [UseWaypoint("wp")]))
            .Consumer(Pod("default", "wp-5c8d", UseWaypoint("wp"), ("gateway.networking.k8s.io/gateway-name", "wp")))
            .Consumer(Pod("kube-system", "sys", UseWaypoint("wp"), UseWaypointNamespace("default")))
            .Consumer(Namespace("lost", Ambient, UseWaypoint("gone")))
            .Consumer(Namespace("default", Ambient, UseWaypoint("workload-only")));

    [Fact]
    public void The_audit_lists_exactly_the_unbound_consumers_sorted_with_rule_and_reason()
    {
        var unbound = Warning.Audit(Cluster());

        // Bound: the Service (service traffic on a service waypoint) and the opted-out one; exempt: the waypoint's own
        // Pod; excluded: kube-system. The workload-only namespace waypoint serves the namespace's Pods, not its
        // Services: listed (docs/reverse-check-decisions.md).
        Assert.Equal(
            [
                "Namespace default UnsupportedTrafficType W9",
                "Namespace lost WaypointIsNotReady W5",
                "ServiceEntry default/api UnsupportedTrafficType W7",
                "Pod default/p-0 UnsupportedTrafficType W7",
                "Pod default/p-1 UnsupportedTrafficType W7",
                "Pod default/rs-7d4f9 UnsupportedTrafficType W7",
            ],
            unbound.Select(u => $"{u.Object} {u.Reason} {u.Rule}"));
        Assert.Equal([SubjectKind.Namespace, SubjectKind.Namespace, SubjectKind.ServiceEntry, SubjectKind.Pod, SubjectKind.Pod, SubjectKind.Pod], unbound.Select(u => u.Kind));
    }

    [Fact]
    public void Each_message_is_the_one_an_admission_of_the_object_shows()
    {
        var cluster = Cluster();

        var unbound = Warning.Audit(cluster);

        foreach (var entry in unbound)
        {
            var consumer = cluster.Consumers.All.Single(c => c.Object == entry.Object);
            var own = Warning.Evaluate(consumer, cluster).First(f => f.Rule == entry.Rule && f.Reason == entry.Reason);
            Assert.Equal(own.Message, entry.Message);
            Assert.StartsWith(consumer.Object.ToString(), entry.Message);
        }
    }

    [Fact]
    public void Consumers_judged_as_one_class_still_get_their_own_names()
    {
        var unbound = Warning.Audit(Cluster());

        Assert.StartsWith("Pod default/p-0: istio.io/use-waypoint=wp refers to waypoint default/wp, which handles only service traffic", unbound[3].Message);
        Assert.StartsWith("Pod default/p-1: istio.io/use-waypoint=wp refers to waypoint default/wp, which handles only service traffic", unbound[4].Message);
        Assert.Equal(unbound[3].Message[("Pod default/p-0".Length)..], unbound[4].Message[("Pod default/p-1".Length)..]);
    }

    [Fact]
    public void An_endpoint_message_names_the_endpoint_and_an_own_canary_names_its_consumer()
    {
        var cluster = ReverseFixtures.Cluster(Waypoint("default", "wp", "all"), "default")
            .Gateway(Waypoint("default", "ingress", "all", className: "istio"))
            .Consumer(Service("default", "a", UseWaypoint("wp"), ("istio.io/use-waypoint-canary", "ingress")))
            .Consumer(Service("default", "b", UseWaypoint("wp"), ("istio.io/use-waypoint-canary", "ingress")))
            .Consumer(ServiceEntry("default", "se-1", [], [UseWaypoint("ingress")]))
            .Consumer(ServiceEntry("default", "se-2", [], [UseWaypoint("ingress")]));

        var unbound = Warning.Audit(cluster);

        Assert.Equal(
            ["Service default/a NotAWaypoint C4", "Service default/b NotAWaypoint C4", "ServiceEntry default/se-1 NotAWaypoint W6", "ServiceEntry default/se-2 NotAWaypoint W6"],
            unbound.Select(u => $"{u.Object} {u.Reason} {u.Rule}"));
        Assert.StartsWith("Service default/b: istio.io/use-waypoint-canary=ingress names Gateway default/ingress", unbound.Single(u => u.Object.Name == "b").Message);
        Assert.StartsWith("ServiceEntry default/se-2 spec.endpoints[0].labels: istio.io/use-waypoint=ingress refers to Gateway default/ingress", unbound.Single(u => u.Object.Name == "se-2").Message);
        foreach (var entry in unbound)
        {
            var consumer = cluster.Consumers.All.Single(c => c.Object == entry.Object);
            Assert.Equal(Warning.Evaluate(consumer, cluster).First(f => f.Rule == entry.Rule).Message, entry.Message);
        }
    }

    [Fact]
    public void A_failing_canary_that_leaves_the_primary_serving_is_not_listed()
    {
        var cluster = ReverseFixtures.Cluster(Waypoint("default", "wp", "all"), "default")
            .Consumer(Service("default", "a", UseWaypoint("wp"), ("istio.io/use-waypoint-canary", "missing")));

        Assert.Empty(Warning.Audit(cluster));
    }

    [Fact]
    public void A_Pod_outside_ambient_is_listed_as_not_in_ambient()
    {
        var cluster = ReverseFixtures.Cluster(Waypoint("default", "wp", "all"))
            .Namespace("default")
            .Consumer(Pod("default", "p", UseWaypoint("wp")));

        var entry = Assert.Single(Warning.Audit(cluster));

        Assert.Equal(("NotInAmbient", "W11"), (entry.Reason, entry.Rule));
    }

    [Fact]
    public void A_Pod_bound_to_a_waypoint_that_accepts_it_is_not_listed()
    {
        var cluster = ReverseFixtures.Cluster(Waypoint("default", "wp", "all"), "default").Consumer(Pods("default", "p", 3, "wp"));

        Assert.Empty(Warning.Audit(cluster));
    }

    [Fact]
    public void An_empty_index_audits_to_nothing()
    {
        Assert.Empty(Warning.Audit(TestCluster.WithIstioClasses()));
    }

    [Fact]
    public void The_audit_skips_the_configured_excluded_namespaces()
    {
        var policy = new WaypointPolicy(new PolicyOptions { ExcludedNamespaces = new HashSet<string> { "default" } });

        var unbound = policy.Audit(Cluster());

        // The Namespace default is excluded like the objects in it; kube-system is no longer.
        Assert.Equal(["Namespace lost", "Pod kube-system/sys"], unbound.Select(u => u.Object.ToString()));
    }

    [Fact]
    public void Entries_compare_by_what_they_say()
    {
        var first = Warning.Audit(Cluster());
        var second = Warning.Audit(Cluster());

        Assert.Equal(first, second);
        Assert.Equal(first[3], first[3] with { });
        Assert.NotEqual(first[3], first[3] with { Message = "other" });
        Assert.Equal(first[3].GetHashCode(), second[3].GetHashCode());
    }
}
