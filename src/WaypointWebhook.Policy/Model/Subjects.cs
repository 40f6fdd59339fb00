namespace WaypointWebhook.Policy.Model;

/// <summary>Names an admitted object the way messages and findings show it: <c>Pod default/p</c>.</summary>
public sealed record ObjectRef(string Kind, string? Namespace, string Name)
{
    /// <summary>Names and namespaces come from the request: clipped and made one line for messages.</summary>
    public override string ToString() =>
        Namespace is null ? $"{Kind} {Rules.Text.Name(Name)}" : $"{Kind} {Rules.Text.Name(Namespace)}/{Rules.Text.Name(Name)}";
}

/// <summary>What the object is, for the rules: which traffic it sends and which checks apply.</summary>
public enum SubjectKind
{
    Namespace,
    Service,
    ServiceEntry,
    Pod,
    WorkloadEntry,
    PodTemplate,
}

/// <summary>Which traffic a waypoint must accept for an enrollment (spec section 2).</summary>
public enum TrafficNeed
{
    Service,
    Workload,

    /// <summary>A Namespace's default waypoint: judged by rule W9.</summary>
    NamespaceDefault,
}

/// <summary>An object the webhook evaluates.</summary>
public abstract record Subject(ObjectRef Object);

/// <summary>
/// An object that can enroll in a waypoint. Most have one enrollment (their labels); a ServiceEntry
/// has one more per endpoint.
/// </summary>
public sealed record EnrollingSubject(
    ObjectRef Object,
    SubjectKind Kind,
    IReadOnlyList<Enrollment> Enrollments,
    string? ServiceType = null) : Subject(Object)
{
    /// <summary>The object's own labels (the first enrollment's): exemptions and W10 read them.</summary>
    public EnrollmentLabels Labels => Enrollments[0].Labels;
}

public sealed record GatewaySubject(GatewayInfo Gateway) : Subject(new ObjectRef("Gateway", Gateway.Namespace, Gateway.Name));

public sealed record GatewayClassSubject(GatewayClassInfo GatewayClass) : Subject(new ObjectRef("GatewayClass", null, GatewayClass.Name));

/// <summary>One place that carries waypoint labels, and the traffic a waypoint must accept for it.</summary>
/// <param name="IsObjectLevel">False for a ServiceEntry endpoint: W10 and W11 concern the object itself.</param>
public sealed record Enrollment(EnrollmentLabels Labels, TrafficNeed Needs, bool IsObjectLevel = true);

/// <summary>
/// The labels of one enrollment with the field each came from. A WorkloadEntry merges
/// <c>spec.labels</c> under <c>metadata.labels</c> (metadata wins), so a key's field depends on where it is.
/// </summary>
public sealed class EnrollmentLabels
{
    private static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>();

    private readonly IReadOnlyDictionary<string, string> primary;
    private readonly string primaryField;
    private readonly IReadOnlyDictionary<string, string> fallback;
    private readonly string? fallbackField;

    public EnrollmentLabels(IReadOnlyDictionary<string, string>? labels, string field)
        : this(labels, field, null, null)
    {
    }

    public EnrollmentLabels(
        IReadOnlyDictionary<string, string>? primary,
        string primaryField,
        IReadOnlyDictionary<string, string>? fallback,
        string? fallbackField)
    {
        this.primary = primary ?? Empty;
        this.primaryField = primaryField;
        this.fallback = fallback ?? Empty;
        this.fallbackField = fallbackField;
    }

    /// <summary>The path of the labels map that names this enrollment, e.g. <c>spec.endpoints[2].labels</c>.</summary>
    public string Field => primaryField;

    public string? Get(string key) =>
        primary.TryGetValue(key, out var value) ? value : fallback.GetValueOrDefault(key);

    public bool Has(string key) => primary.ContainsKey(key) || fallback.ContainsKey(key);

    /// <summary>The field a finding about <paramref name="key"/> points at.</summary>
    public string FieldFor(string key) =>
        $"{(primary.ContainsKey(key) || fallbackField is null || !fallback.ContainsKey(key) ? primaryField : fallbackField)}[{key}]";

    /// <summary>Every label, merged; for a Namespace these are the consumer labels its waypoint's selector reads.</summary>
    public IReadOnlyDictionary<string, string> ToDictionary()
    {
        if (fallback.Count == 0)
        {
            return primary;
        }

        var merged = new Dictionary<string, string>(fallback);
        foreach (var (key, value) in primary)
        {
            merged[key] = value;
        }

        return merged;
    }
}
