namespace WaypointWebhook.Policy.Model;

/// <summary>
/// An object that can enroll in a waypoint. Most have one enrollment (their labels); a ServiceEntry
/// has one more per endpoint.
/// </summary>
/// <param name="MadeByController">
/// Written by a controller (an <c>ownerReferences</c> entry with <c>controller: true</c>, or a WorkloadEntry of
/// istiod's auto-registration): its findings only warn, since nobody applied it who could be told (spec section 2).
/// </param>
/// <param name="Annotations">The few annotations the rules read (canary weight, connect strategy), by key.</param>
/// <param name="Hosts">A ServiceEntry's <c>spec.hosts</c>, as far as W13 needs them (it looks for a wildcard; the wire reader keeps only the first wildcard host).</param>
public sealed record EnrollingSubject(
    ObjectRef Object,
    SubjectKind Kind,
    IReadOnlyList<Enrollment> Enrollments,
    string? ServiceType = null,
    bool MadeByController = false,
    IReadOnlyDictionary<string, string>? Annotations = null,
    IReadOnlyList<string>? Hosts = null) : Subject(Object)
{
    /// <summary>The object's own labels (the first enrollment's): exemptions and W10 read them.</summary>
    public EnrollmentLabels Labels => Enrollments[0].Labels;

    public override string? ConsumerNamespace => Kind == SubjectKind.Namespace ? Object.Name : Object.Namespace;

    public string? Annotation(string key) => Annotations?.GetValueOrDefault(key);
}
