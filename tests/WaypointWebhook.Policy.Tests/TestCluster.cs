using WaypointWebhook.Policy;
using WaypointWebhook.Policy.Configuration;
using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Policy.Tests;

/// <summary>An in-memory cluster view and builders for the objects the rules read.</summary>
public sealed class TestCluster : IClusterView
{
    public static readonly ListenerInfo Hbone = new("mesh", 15008, "HBONE", null);

    private readonly Dictionary<(string, string), GatewayInfo> gateways = new();
    private readonly Dictionary<string, GatewayClassInfo> classes = new();
    private readonly Dictionary<string, NamespaceInfo> namespaces = new();
    private readonly TestConsumers consumers = new();

    public IConsumerIndex Consumers => consumers;

    /// <summary>Indexes consumers as the live view does: by the Gateways their own labels name, and by namespace.</summary>
    public TestCluster Consumer(params EnrollingSubject[] subjects)
    {
        foreach (var subject in subjects)
        {
            consumers.Add(subject);
        }

        return this;
    }

    public IEnumerable<GatewayInfo> GatewaysOfClass(string className) => gateways.Values.Where(g => g.ClassName == className);

    /// <summary>The classes Istio installs: istio-waypoint (mesh controller) and istio (ingress).</summary>
    public static TestCluster WithIstioClasses() =>
        new TestCluster()
            .Class("istio-waypoint", "istio.io/mesh-controller")
            .Class("istio", "istio.io/gateway-controller");

    public TestCluster Class(string name, string? controller, Dictionary<string, string>? labels = null, string? inboundBinding = null)
    {
        classes[name] = new GatewayClassInfo(name, controller, labels ?? [], inboundBinding);
        return this;
    }

    public TestCluster Namespace(string name, Dictionary<string, string>? labels = null)
    {
        var all = new Dictionary<string, string>(labels ?? []) { ["kubernetes.io/metadata.name"] = name };
        namespaces[name] = new NamespaceInfo(name, all);
        return this;
    }

    /// <summary>Gives a namespace already described the annotations the rules read (the canary weight).</summary>
    public TestCluster NamespaceAnnotations(string name, Dictionary<string, string> annotations)
    {
        namespaces[name] = namespaces[name] with { Annotations = annotations };
        return this;
    }

    public TestCluster Gateway(GatewayInfo gateway)
    {
        gateways[(gateway.Namespace, gateway.Name)] = gateway;
        return this;
    }

    public TestCluster Waypoint(
        string ns,
        string name,
        string? waypointFor = null,
        RouteNamespaces? routes = null,
        string className = "istio-waypoint",
        bool? addresses = true,
        IReadOnlyList<ListenerInfo>? listeners = null,
        string? inboundBinding = null) =>
        Gateway(MakeGateway(ns, name, waypointFor, routes, className, addresses, listeners, inboundBinding));

    public static GatewayInfo MakeGateway(
        string ns,
        string name,
        string? waypointFor = null,
        RouteNamespaces? routes = null,
        string className = "istio-waypoint",
        bool? addresses = true,
        IReadOnlyList<ListenerInfo>? listeners = null,
        string? inboundBinding = null,
        Dictionary<string, string>? labels = null)
    {
        var allLabels = new Dictionary<string, string>(labels ?? []);
        if (waypointFor is not null)
        {
            allLabels["istio.io/waypoint-for"] = waypointFor;
        }

        return new GatewayInfo(ns, name, className, allLabels, inboundBinding, listeners ?? [Hbone with { Namespaces = routes }], addresses);
    }

    public GatewayInfo? GetGateway(string @namespace, string name) => gateways.GetValueOrDefault((@namespace, name));

    public GatewayClassInfo? GetGatewayClass(string name) => classes.GetValueOrDefault(name);

    public NamespaceInfo? GetNamespace(string name) => namespaces.GetValueOrDefault(name);
}

/// <summary>An in-memory consumer index: what the live view's keeps, with the same lookups.</summary>
public sealed class TestConsumers : IConsumerIndex
{
    private readonly List<EnrollingSubject> all = [];

    public int Count => all.Count;

    public IEnumerable<EnrollingSubject> All => all;

    public void Add(EnrollingSubject subject)
    {
        if (!Resolution.ConsumerTargets.IsConsumer(subject))
        {
            throw new ArgumentException($"{subject.Object} names no waypoint: the index would not keep it", nameof(subject));
        }

        all.Add(subject);
    }

    public IEnumerable<EnrollingSubject> Naming(ObjectKey gateway) => all.Where(c => Resolution.ConsumerTargets.Of(c).Contains(gateway));

    public IEnumerable<EnrollingSubject> In(string @namespace) => all.Where(c => c.ConsumerNamespace == @namespace);
}

/// <summary>Builders of subjects, shaped as the wire reader makes them.</summary>
public static class Subjects
{
    public static EnrollingSubject Pod(string ns, string name, params (string Key, string Value)[] labels) =>
        Single("Pod", ns, name, SubjectKind.Pod, "metadata.labels", TrafficNeed.Workload, labels);

    public static EnrollingSubject Service(string ns, string name, params (string Key, string Value)[] labels) =>
        Single("Service", ns, name, SubjectKind.Service, "metadata.labels", TrafficNeed.Service, labels);

    public static EnrollingSubject ExternalNameService(string ns, string name, params (string Key, string Value)[] labels) =>
        Service(ns, name, labels) with { ServiceType = "ExternalName" };

    public static EnrollingSubject Namespace(string name, params (string Key, string Value)[] labels) =>
        Single("Namespace", null, name, SubjectKind.Namespace, "metadata.labels", TrafficNeed.Service, labels);

    public static EnrollingSubject Deployment(string ns, string name, params (string Key, string Value)[] labels) =>
        Single("Deployment", ns, name, SubjectKind.PodTemplate, "spec.template.metadata.labels", TrafficNeed.Workload, labels);

    public static EnrollingSubject WorkloadEntry(string ns, string name, (string Key, string Value)[] metadataLabels, (string Key, string Value)[] specLabels) =>
        new(
            new ObjectRef("WorkloadEntry", ns, name),
            SubjectKind.WorkloadEntry,
            [new Enrollment(new EnrollmentLabels(Map(metadataLabels), "metadata.labels", Map(specLabels), "spec.labels"), TrafficNeed.Workload)]);

    public static EnrollingSubject ServiceEntry(string ns, string name, (string Key, string Value)[] labels, params (string Key, string Value)[][] endpoints)
    {
        var enrollments = new List<Enrollment> { new(new EnrollmentLabels(Map(labels), "metadata.labels"), TrafficNeed.Service) };
        enrollments.AddRange(endpoints.Select((e, i) => new Enrollment(new EnrollmentLabels(Map(e), $"spec.endpoints[{i}].labels"), TrafficNeed.Workload, IsObjectLevel: false)));
        return new EnrollingSubject(new ObjectRef("ServiceEntry", ns, name), SubjectKind.ServiceEntry, enrollments);
    }

    public static (string, string) UseWaypoint(string value) => ("istio.io/use-waypoint", value);

    public static (string, string) UseWaypointNamespace(string value) => ("istio.io/use-waypoint-namespace", value);

    public static (string, string) Ambient => ("istio.io/dataplane-mode", "ambient");

    public static Dictionary<string, string> Map((string Key, string Value)[] labels) => labels.ToDictionary(l => l.Key, l => l.Value);

    private static EnrollingSubject Single(string kind, string? ns, string name, SubjectKind subjectKind, string field, TrafficNeed needs, (string Key, string Value)[] labels) =>
        new(new ObjectRef(kind, ns, name), subjectKind, [new Enrollment(new EnrollmentLabels(Map(labels), field), needs)]);
}

public static class PolicyAssertions
{
    public static readonly WaypointPolicy Policy = new(new PolicyOptions());

    /// <summary>The findings as "Rule Reason Verdict Field" lines, for exact comparisons.</summary>
    public static string[] Summarize(this IEnumerable<Finding> findings) =>
        findings.Select(f => $"{f.Rule} {f.Reason} {f.Verdict} {f.Field}").ToArray();
}
