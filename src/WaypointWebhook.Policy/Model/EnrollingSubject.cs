namespace WaypointWebhook.Policy.Model;

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

    public override string? ConsumerNamespace => Kind == SubjectKind.Namespace ? Object.Name : Object.Namespace;
}
