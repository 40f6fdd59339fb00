using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Objects;

/// <summary>Turns a decoded object into what the policy reads: a subject, or a cluster-view projection.</summary>
public static class SubjectReader
{
    private const string MetadataLabels = HandledKinds.MetadataLabels;
    private static readonly IReadOnlyDictionary<string, string> NoLabels = new Dictionary<string, string>();

    /// <summary>The subject for an object of a handled kind.</summary>
    /// <param name="namespace">The namespace the object lives in (the request's, or the manifest default).</param>
    public static Subject Read(HandledKind kind, KubeObject obj, string? @namespace, string? requestName = null)
    {
        var meta = obj.Metadata;
        var name = NameOf(meta, requestName);
        var ns = kind.IsNamespaced ? NonEmpty(meta?.Namespace) ?? @namespace ?? "default" : null;
        var reference = new ObjectRef(kind.Kind, ns, name);
        var labels = Labels(meta?.Labels);

        Subject subject = kind.Subject switch
        {
            SubjectKind.Namespace => Single(reference, SubjectKind.Namespace, new EnrollmentLabels(labels, MetadataLabels), TrafficNeed.Service),
            SubjectKind.Service => new EnrollingSubject(
                reference,
                SubjectKind.Service,
                [new Enrollment(new EnrollmentLabels(labels, MetadataLabels), TrafficNeed.Service)],
                obj.Spec?.Type),
            SubjectKind.Pod => Single(reference, SubjectKind.Pod, new EnrollmentLabels(labels, MetadataLabels), TrafficNeed.Workload),
            SubjectKind.WorkloadEntry => Single(
                reference,
                SubjectKind.WorkloadEntry,
                new EnrollmentLabels(labels, MetadataLabels, Labels(obj.Spec?.Labels), "spec.labels"),
                TrafficNeed.Workload),
            SubjectKind.PodTemplate => Single(
                reference,
                SubjectKind.PodTemplate,
                new EnrollmentLabels(Labels(PodTemplateOf(kind, obj)?.Metadata?.Labels), kind.LabelsField),
                TrafficNeed.Workload),
            SubjectKind.WorkloadGroup => Single(
                reference,
                SubjectKind.WorkloadGroup,
                new EnrollmentLabels(Labels(obj.Spec?.Metadata?.Labels), HandledKinds.WorkloadGroupLabels, Labels(obj.Spec?.Template?.Labels), HandledKinds.WorkloadGroupTemplateLabels),
                TrafficNeed.Workload),
            SubjectKind.ServiceEntry => ServiceEntry(reference, labels, obj.Spec?.Endpoints),
            SubjectKind.Gateway => new GatewaySubject(ToGateway(obj, ns ?? "default"), IsMadeByController(kind, meta)),
            SubjectKind.GatewayClass => new GatewayClassSubject(ToGatewayClass(obj), IsMadeByController(kind, meta)),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind.Subject, "unhandled subject kind"),
        };

        return subject is EnrollingSubject enrolling
            ? enrolling with
            {
                MadeByController = IsMadeByController(kind, meta),
                Annotations = meta?.Annotations?.ToDictionary(),
                // W13 reads only whether a host is a wildcard: one is kept, however many hosts there are.
                Hosts = kind.Subject == SubjectKind.ServiceEntry && obj.Spec?.Hosts?.FirstOrDefault(h => h?.StartsWith('*') == true) is { } wildcard ? [wildcard] : null,
            }
            : subject;
    }

    /// <summary>
    /// Whether a controller wrote the object: an owner with <c>controller: true</c> (a ReplicaSet's Pod, a
    /// Deployment's ReplicaSet, a CronJob's Job), or a WorkloadEntry of istiod's auto-registration.
    /// </summary>
    private static bool IsMadeByController(HandledKind kind, ObjectMeta? meta) =>
        meta?.OwnerReferences?.Any(owner => owner?.Controller == true) == true
        || (kind.Subject == SubjectKind.WorkloadEntry && meta?.Annotations?.Get(WaypointLabels.AutoRegistrationGroupAnnotation) is not null);

    /// <summary>The pod template a workload kind runs: a CronJob's is one level further down, in its job template.</summary>
    private static PodTemplate? PodTemplateOf(HandledKind kind, KubeObject obj) =>
        kind.LabelsField == HandledKinds.CronJobTemplateLabels ? obj.Spec?.JobTemplate?.Spec?.Template : obj.Spec?.Template;

    public static GatewayInfo ToGateway(KubeObject obj, string defaultNamespace)
    {
        var meta = obj.Metadata;
        var listeners = obj.Spec?.Listeners ?? [];
        var projected = new ListenerInfo[listeners.Count];
        for (var i = 0; i < projected.Length; i++)
        {
            var l = listeners[i] ?? new Listener();
            projected[i] = new ListenerInfo(
                l.Name,
                l.Port,
                l.Protocol,
                l.AllowedRoutes?.Namespaces is { } ns ? new RouteNamespaces(ns.From, Selector(ns.Selector)) : null);
        }

        return new GatewayInfo(
            NonEmpty(meta?.Namespace) ?? defaultNamespace,
            NameOf(meta, null),
            obj.Spec?.GatewayClassName ?? string.Empty,
            Labels(meta?.Labels),
            meta?.InboundBinding,
            projected,
            obj.Status is null ? null : obj.Status.Addresses is { Count: > 0 },
            obj.Spec?.Infrastructure?.Labels is { Count: > 0 } infrastructure ? Labels(infrastructure) : null,
            meta?.Annotations?.Get(WaypointLabels.DefaultedAnnotation));
    }

    public static GatewayClassInfo ToGatewayClass(KubeObject obj) =>
        new(NameOf(obj.Metadata, null), obj.Spec?.ControllerName, Labels(obj.Metadata?.Labels), obj.Metadata?.InboundBinding);

    public static NamespaceInfo ToNamespace(KubeObject obj) =>
        new(NameOf(obj.Metadata, null), Labels(obj.Metadata?.Labels), obj.Metadata?.Annotations?.ToDictionary());

    private static EnrollingSubject Single(ObjectRef reference, SubjectKind kind, EnrollmentLabels labels, TrafficNeed needs) =>
        new(reference, kind, [new Enrollment(labels, needs)]);

    private static EnrollingSubject ServiceEntry(ObjectRef reference, IReadOnlyDictionary<string, string> labels, List<Endpoint>? endpoints)
    {
        var enrollments = new List<Enrollment>(1 + (endpoints?.Count ?? 0))
        {
            new(new EnrollmentLabels(labels, MetadataLabels), TrafficNeed.Service),
        };
        for (var i = 0; i < endpoints?.Count; i++)
        {
            // An endpoint's labels are its own: the ServiceEntry's labels are not inherited.
            enrollments.Add(new Enrollment(
                new EnrollmentLabels(Labels(endpoints[i]?.Labels), $"spec.endpoints[{i}].labels"),
                TrafficNeed.Workload,
                IsObjectLevel: false,
                Address: endpoints[i]?.Address is { Length: > 0 } address ? address : null));
        }

        return new EnrollingSubject(reference, SubjectKind.ServiceEntry, enrollments);
    }

    private static LabelSelector? Selector(LabelSelectorSpec? spec) =>
        spec is null
            ? null
            : new LabelSelector(
                spec.MatchLabels,
                spec.MatchExpressions?.Select(e => new LabelSelectorRequirement(e?.Key, e?.Operator, e?.Values)).ToList());

    /// <summary>Labels as the rules read them; a JSON null value (never valid in Kubernetes) reads as empty.</summary>
    private static IReadOnlyDictionary<string, string> Labels(Dictionary<string, string?>? labels)
    {
        if (labels is null || labels.Count == 0)
        {
            return NoLabels;
        }

        foreach (var value in labels.Values)
        {
            if (value is null)
            {
                return labels.ToDictionary(p => p.Key, p => p.Value ?? string.Empty);
            }
        }

        return labels!;
    }

    private static string NameOf(ObjectMeta? meta, string? requestName) =>
        NonEmpty(meta?.Name) ?? NonEmpty(requestName) ?? (NonEmpty(meta?.GenerateName) is { } prefix ? prefix + "*" : "<unnamed>");

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
