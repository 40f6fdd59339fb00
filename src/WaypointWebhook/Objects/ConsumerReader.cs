using System.Collections.Concurrent;
using System.Text;
using WaypointWebhook.Policy.Model;
using WaypointWebhook.Policy.Resolution;

namespace WaypointWebhook.Objects;

/// <summary>
/// The lean projection the consumer index keeps of an object that names a waypoint: the subject
/// <see cref="SubjectReader.Read"/> builds, from the object with only the labels the rules read from it
/// (<see cref="ConsumerLabels.Read"/>; a Namespace keeps all of its own), with repeated strings pooled and
/// identical enrollments shared, so that 100,000 Pods cost little more than their names.
/// </summary>
public sealed class ConsumerReader(StringPool strings)
{
    /// <summary>
    /// Enrollment lists by content: every Pod of a Deployment labelled <c>use-waypoint: w</c> reads the same
    /// list. Keyed by kind and labels only (a label set is small), so its size is the number of distinct
    /// waypoint label sets, not of objects.
    /// </summary>
    private readonly ConcurrentDictionary<string, IReadOnlyList<Enrollment>> enrollments = new(StringComparer.Ordinal);

    public StringPool Strings => strings;

    /// <summary>
    /// The consumer for an object of a consumer kind (Service, ServiceEntry, Pod, WorkloadEntry), or null when
    /// it carries neither <c>use-waypoint</c> nor <c>use-waypoint-canary</c>. <paramref name="obj"/> is not
    /// changed (a manifest's object is read by others too).
    /// </summary>
    public EnrollingSubject? Read(HandledKind kind, KubeObject obj, string defaultNamespace = "default")
    {
        if (kind.Subject is not (SubjectKind.Service or SubjectKind.ServiceEntry or SubjectKind.Pod or SubjectKind.WorkloadEntry))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind.Kind, "not a consumer kind the index reads from objects");
        }

        var subject = (EnrollingSubject)SubjectReader.Read(kind, Lean(obj), strings.Get(defaultNamespace));
        if (!ConsumerTargets.IsConsumer(subject))
        {
            return null;
        }

        return kind.Subject == SubjectKind.ServiceEntry ? subject : subject with { Enrollments = Shared(kind, subject.Enrollments) };
    }

    /// <summary>
    /// A Namespace's consumer, from the projection the view already keeps of it (the Namespace watch is the
    /// only one of Namespaces), or null when it names no waypoint. Its labels are the NamespaceInfo's own map,
    /// not a copy. A Namespace's owner is not kept, so it never reads as made by a controller.
    /// </summary>
    public static EnrollingSubject? FromNamespace(NamespaceInfo ns)
    {
        if (!ns.Labels.ContainsKey(WaypointLabels.UseWaypoint) && !ns.Labels.ContainsKey(WaypointLabels.UseWaypointCanary))
        {
            return null;
        }

        return new EnrollingSubject(
            new ObjectRef(HandledKinds.Namespace.Kind, null, ns.Name),
            SubjectKind.Namespace,
            [new Enrollment(new EnrollmentLabels(ns.Labels, HandledKinds.MetadataLabels), TrafficNeed.Service)],
            Annotations: ns.Annotations);
    }

    /// <summary>
    /// What <see cref="SubjectReader.Read"/> reads of a consumer, with only the labels the rules read and
    /// pooled strings: the subject it builds then holds nothing else of the decoded object but its name.
    /// </summary>
    private KubeObject Lean(KubeObject obj) => new()
    {
        Metadata = obj.Metadata is { } meta
            ? new ObjectMeta
            {
                Name = meta.Name,
                GenerateName = meta.GenerateName,
                Namespace = strings.Get(meta.Namespace),
                Labels = Kept(meta.Labels),
                Annotations = meta.Annotations,
                OwnerReferences = meta.OwnerReferences,
            }
            : null,
        Spec = obj.Spec is { } spec
            ? new ObjectSpec
            {
                Type = strings.Get(spec.Type),
                Labels = Kept(spec.Labels),
                Hosts = spec.Hosts,
                Endpoints = spec.Endpoints?.Select(e => e is null ? null! : new Endpoint { Address = e.Address, Labels = Kept(e.Labels) }).ToList(),
            }
            : null,
    };

    /// <summary>The labels the rules read, values pooled; null when none is left.</summary>
    private Dictionary<string, string?>? Kept(Dictionary<string, string?>? labels)
    {
        if (labels is null || labels.Count == 0)
        {
            return null;
        }

        Dictionary<string, string?>? kept = null;
        foreach (var key in ConsumerLabels.Read)
        {
            if (labels.TryGetValue(key, out var value))
            {
                (kept ??= new Dictionary<string, string?>(2, StringComparer.Ordinal))[key] = strings.Get(value);
            }
        }

        return kept;
    }

    /// <summary>One list per distinct content: kind, then each label with the field it is read from.</summary>
    private IReadOnlyList<Enrollment> Shared(HandledKind kind, IReadOnlyList<Enrollment> read)
    {
        var signature = new StringBuilder(kind.Kind);
        foreach (var enrollment in read)
        {
            signature.Append('\u0001').Append(enrollment.Needs).Append(enrollment.IsObjectLevel).Append('\u0001').Append(enrollment.Address).Append('\u0001').Append(enrollment.Labels.Field);
            foreach (var (key, value) in enrollment.Labels.ToDictionary().OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                signature.Append('\u0000').Append(key).Append('=').Append(value).Append('@').Append(enrollment.Labels.FieldFor(key));
            }
        }

        return enrollments.GetOrAdd(signature.ToString(), read);
    }
}
