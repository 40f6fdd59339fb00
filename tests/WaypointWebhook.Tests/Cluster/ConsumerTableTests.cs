using WaypointWebhook.Cluster;
using WaypointWebhook.Objects;
using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Tests.Cluster;

/// <summary>The consumer index of a snapshot: what it keeps of each consumer, and how it is filed.</summary>
public sealed class ConsumerTableTests
{
    private const string Manifests = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: shop, labels: {istio.io/use-waypoint: shop-waypoint, team: payments, kubernetes.io/metadata.name: shop}}
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: plain, labels: {team: infra}}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: reviews, namespace: shop, labels: {app: reviews, istio.io/use-waypoint: waypoint, istio.io/use-waypoint-namespace: infra}}
        spec: {type: ClusterIP}
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: reviews-v2-1
          namespace: shop
          labels: {app: reviews, pod-template-hash: abc, istio.io/use-waypoint: waypoint, istio.io/use-waypoint-canary: canary, istio.io/dataplane-mode: ambient}
          ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: reviews-v2, uid: x, controller: true}]
          annotations: {istio.io/use-waypoint-canary-weight: "10", kubectl.kubernetes.io/last-applied-configuration: "{}"}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: reviews-v2-2, namespace: shop, labels: {app: reviews, pod-template-hash: def, istio.io/use-waypoint: waypoint, istio.io/use-waypoint-canary: canary, istio.io/dataplane-mode: ambient}}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: unlabelled, namespace: shop, labels: {app: other}}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: defaulted, labels: {istio.io/use-waypoint: waypoint}}
        ---
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: external, namespace: shop, labels: {app: ext}}
        spec:
          hosts: ["*.example.com"]
          endpoints:
          - {address: 10.0.0.1, labels: {istio.io/use-waypoint: ep-waypoint, version: v1}}
          - {address: 10.0.0.2}
        ---
        apiVersion: networking.istio.io/v1
        kind: WorkloadEntry
        metadata: {name: vm, namespace: shop, labels: {app: vm}}
        spec: {address: 10.0.5.9, labels: {istio.io/use-waypoint-canary: vm-canary, zone: a}}
        """;

    private static readonly ClusterSnapshot Snapshot = ClusterSnapshot.From(ManifestReader.ReadText(Manifests, "consumers.yaml"));

    private static string Names(IEnumerable<EnrollingSubject> consumers) =>
        string.Join(", ", consumers.Select(c => c.Object.ToString()).Order(StringComparer.Ordinal));

    [Fact]
    public void Manifests_index_every_consumer_once_and_nothing_else()
    {
        var consumers = Snapshot.Consumers;

        Assert.Equal(7, consumers.Count);
        Assert.Equal(
            "Namespace shop, Pod default/defaulted, Pod shop/reviews-v2-1, Pod shop/reviews-v2-2, Service shop/reviews, ServiceEntry shop/external, WorkloadEntry shop/vm",
            Names(consumers.All));
        Assert.Same(consumers, ((IClusterView)Snapshot).Consumers);
    }

    [Fact]
    public void Consumers_are_filed_under_every_gateway_they_name()
    {
        var consumers = Snapshot.Consumers;

        Assert.Equal("Pod shop/reviews-v2-1, Pod shop/reviews-v2-2", Names(consumers.Naming(new ObjectKey("shop", "waypoint"))));
        Assert.Equal("Pod shop/reviews-v2-1, Pod shop/reviews-v2-2", Names(consumers.Naming(new ObjectKey("shop", "canary"))));
        Assert.Equal("Service shop/reviews", Names(consumers.Naming(new ObjectKey("infra", "waypoint"))));
        Assert.Equal("Namespace shop", Names(consumers.Naming(new ObjectKey("shop", "shop-waypoint"))));
        Assert.Equal("ServiceEntry shop/external", Names(consumers.Naming(new ObjectKey("shop", "ep-waypoint"))));
        Assert.Equal("WorkloadEntry shop/vm", Names(consumers.Naming(new ObjectKey("shop", "vm-canary"))));
        Assert.Equal("Pod default/defaulted", Names(consumers.Naming(new ObjectKey("default", "waypoint"))));
        Assert.Empty(consumers.Naming(new ObjectKey("shop", "nobody")));
        Assert.Equal(7, consumers.TargetCount);
    }

    [Fact]
    public void Consumers_are_filed_by_namespace_and_a_namespace_is_in_itself()
    {
        Assert.Equal(
            "Namespace shop, Pod shop/reviews-v2-1, Pod shop/reviews-v2-2, Service shop/reviews, ServiceEntry shop/external, WorkloadEntry shop/vm",
            Names(Snapshot.Consumers.In("shop")));
        Assert.Equal("Pod default/defaulted", Names(Snapshot.Consumers.In("default")));
        Assert.Empty(Snapshot.Consumers.In("plain"));
    }

    [Fact]
    public void A_consumer_keeps_only_what_the_rules_read()
    {
        var pod = Snapshot.Consumers.Get(SubjectKind.Pod, new ObjectKey("shop", "reviews-v2-1"))!;

        Assert.Equal(
            ["istio.io/dataplane-mode=ambient", "istio.io/use-waypoint-canary=canary", "istio.io/use-waypoint=waypoint"],
            pod.Labels.ToDictionary().Select(p => $"{p.Key}={p.Value}").Order(StringComparer.Ordinal));
        Assert.True(pod.MadeByController);
        Assert.Equal(["istio.io/use-waypoint-canary-weight=10"], pod.Annotations!.Select(p => $"{p.Key}={p.Value}"));
        Assert.Equal(TrafficNeed.Workload, Assert.Single(pod.Enrollments).Needs);

        var entry = Snapshot.Consumers.Get(SubjectKind.ServiceEntry, new ObjectKey("shop", "external"))!;
        Assert.Equal(3, entry.Enrollments.Count);
        Assert.Empty(entry.Enrollments[0].Labels.ToDictionary());
        Assert.Equal(["istio.io/use-waypoint=ep-waypoint"], entry.Enrollments[1].Labels.ToDictionary().Select(p => $"{p.Key}={p.Value}"));
        Assert.Equal("spec.endpoints[0].labels", entry.Enrollments[1].Labels.Field);
        Assert.Equal("10.0.0.1", entry.Enrollments[1].Address);
        Assert.Equal(["*.example.com"], entry.Hosts);

        var vm = Snapshot.Consumers.Get(SubjectKind.WorkloadEntry, new ObjectKey("shop", "vm"))!;
        Assert.Equal("spec.labels[istio.io/use-waypoint-canary]", vm.Labels.FieldFor("istio.io/use-waypoint-canary"));
        Assert.False(vm.Labels.Has("zone"));

        Assert.Equal("ClusterIP", Snapshot.Consumers.Get(SubjectKind.Service, new ObjectKey("shop", "reviews"))!.ServiceType);
    }

    [Fact]
    public void A_namespace_consumer_keeps_every_label_and_shares_its_map_with_the_namespace()
    {
        var ns = Snapshot.Consumers.Get(SubjectKind.Namespace, ObjectKey.Cluster("shop"))!;

        Assert.Equal("payments", ns.Labels.Get("team"));
        Assert.Same(Snapshot.GetNamespace("shop")!.Labels, ns.Labels.ToDictionary());
        Assert.Equal(SubjectKind.Namespace, ns.Kind);
        Assert.Equal("shop", ns.ConsumerNamespace);
    }

    [Fact]
    public void Consumers_with_the_same_waypoint_labels_share_one_enrollment_list()
    {
        var first = Snapshot.Consumers.Get(SubjectKind.Pod, new ObjectKey("shop", "reviews-v2-1"))!;
        var second = Snapshot.Consumers.Get(SubjectKind.Pod, new ObjectKey("shop", "reviews-v2-2"))!;

        Assert.Same(first.Enrollments, second.Enrollments);
        Assert.Same(first.Object.Namespace, second.Object.Namespace);
    }

    [Fact]
    public void The_consumer_reader_reads_the_subject_the_admission_path_judges()
    {
        var manifest = ManifestReader.ReadText(Manifests, "consumers.yaml").Single(m => m.Object.Metadata?.Name == "reviews-v2-1");
        var judged = (EnrollingSubject)SubjectReader.Read(manifest.Kind, manifest.Object, "default");
        var kept = new ConsumerReader(new StringPool()).Read(manifest.Kind, manifest.Object)!;

        Assert.Equal(judged.Object, kept.Object);
        Assert.Equal(judged.MadeByController, kept.MadeByController);
        Assert.Equal(judged.Annotations, kept.Annotations);
        foreach (var key in ConsumerLabels.Read)
        {
            Assert.Equal(judged.Labels.Get(key), kept.Labels.Get(key));
        }

        Assert.Equal(5, manifest.Object.Metadata!.Labels!.Count); // the manifest's own object is left whole
    }

    [Fact]
    public void A_namespace_change_moves_its_consumer_in_step()
    {
        var namespaces = ResourceTable<NamespaceInfo>.Empty.Relisted([(ObjectKey.Cluster("a"), new Versioned<NamespaceInfo>(new NamespaceInfo("a", new Dictionary<string, string>()), 5))], 5);
        var snapshot = ClusterSnapshot.Empty.WithNamespaces(namespaces, TableChange.Whole);
        Assert.Equal(0, snapshot.Consumers.Count);

        var labelled = namespaces.Upserted(ObjectKey.Cluster("a"), new NamespaceInfo("a", new Dictionary<string, string> { ["istio.io/use-waypoint"] = "w" }), 6);
        snapshot = snapshot.WithNamespaces(labelled, TableChange.Of(ObjectKey.Cluster("a")));
        Assert.Equal("Namespace a", Names(snapshot.Consumers.Naming(new ObjectKey("a", "w"))));

        var stale = labelled.Upserted(ObjectKey.Cluster("a"), new NamespaceInfo("a", new Dictionary<string, string>()), 4);
        snapshot = snapshot.WithNamespaces(stale, TableChange.Of(ObjectKey.Cluster("a")));
        Assert.Equal(1, snapshot.Consumers.Count); // the table kept the newer Namespace, and so does the index

        var unlabelled = stale.Upserted(ObjectKey.Cluster("a"), new NamespaceInfo("a", new Dictionary<string, string> { ["team"] = "x" }), 7);
        snapshot = snapshot.WithNamespaces(unlabelled, TableChange.Of(ObjectKey.Cluster("a")));
        Assert.Equal(0, snapshot.Consumers.Count);
        Assert.Empty(snapshot.Consumers.Naming(new ObjectKey("a", "w")));
        Assert.Equal(0, snapshot.Consumers.TargetCount);

        snapshot = snapshot.WithNamespaces(unlabelled.Upserted(ObjectKey.Cluster("a"), new NamespaceInfo("a", new Dictionary<string, string> { ["istio.io/use-waypoint-canary"] = "c" }), 8), TableChange.Of(ObjectKey.Cluster("a")));
        snapshot = snapshot.WithNamespaces(snapshot.Namespaces.Deleted(ObjectKey.Cluster("a"), 9), TableChange.Of(ObjectKey.Cluster("a")));
        Assert.Equal(0, snapshot.Consumers.Count);
    }
}
