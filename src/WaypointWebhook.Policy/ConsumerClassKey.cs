using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Policy;

/// <summary>
/// The equivalence class of a consumer: everything the rules read from it except its name. Consumers of one
/// class get the same findings (only the name in their messages differs), so the reverse check and the audit
/// judge one of them per class: a Deployment's 300 Pods are one evaluation, not 300. A Namespace is its own
/// class (its name is the consumer namespace its waypoint's allowedRoutes judge, and it keeps every label).
/// Compared field by field against the class's first member, with a hash of the parts that tell classes apart
/// most often: no key text is built per consumer.
/// </summary>
internal readonly struct ConsumerClassKey : IEquatable<ConsumerClassKey>
{
    private readonly int hash;

    public ConsumerClassKey(EnrollingSubject consumer)
    {
        Consumer = consumer;
        var hasher = default(HashCode);
        hasher.Add(consumer.Kind);
        hasher.Add(consumer.ConsumerNamespace);
        hasher.Add(consumer.MadeByController);
        hasher.Add(consumer.Enrollments.Count);
        foreach (var enrollment in consumer.Enrollments)
        {
            hasher.Add(enrollment.Labels.Field);
            hasher.Add(enrollment.Labels.Get(WaypointLabels.UseWaypoint));
            hasher.Add(enrollment.Labels.Get(WaypointLabels.UseWaypointNamespace));
        }

        hash = hasher.ToHashCode();
    }

    /// <summary>The consumer the key was made for: the class's representative when it is the first of it.</summary>
    public EnrollingSubject Consumer { get; }

    public override int GetHashCode() => hash;

    public override bool Equals(object? obj) => obj is ConsumerClassKey other && Equals(other);

    public bool Equals(ConsumerClassKey other) => hash == other.hash && Alike(Consumer, other.Consumer);

    /// <summary>Whether the rules see the same in <paramref name="a"/> and <paramref name="b"/>, names apart.</summary>
    internal static bool Alike(EnrollingSubject a, EnrollingSubject b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        if (a.Kind != b.Kind
            || a.ConsumerNamespace != b.ConsumerNamespace
            || a.Object.Namespace != b.Object.Namespace
            || a.Object.Kind != b.Object.Kind
            || a.MadeByController != b.MadeByController
            || a.ServiceType != b.ServiceType
            || !SameList(a.Hosts, b.Hosts)
            || !SameMap(a.Annotations, b.Annotations)
            || a.Enrollments.Count != b.Enrollments.Count)
        {
            return false;
        }

        for (var i = 0; i < a.Enrollments.Count; i++)
        {
            var x = a.Enrollments[i];
            var y = b.Enrollments[i];
            if (x.Needs != y.Needs || x.IsObjectLevel != y.IsObjectLevel || x.Labels.Field != y.Labels.Field)
            {
                return false;
            }

            if (a.Kind == SubjectKind.Namespace ? !SameMap(x.Labels.ToDictionary(), y.Labels.ToDictionary()) : !SameReadLabels(x.Labels, y.Labels))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The keys the rules read from a consumer that is not a Namespace, each with the labels map it is read from.</summary>
    private static bool SameReadLabels(EnrollmentLabels x, EnrollmentLabels y)
    {
        foreach (var key in ConsumerLabels.Read)
        {
            var inX = x.TryGet(key, out var valueX, out var fieldX);
            var inY = y.TryGet(key, out var valueY, out var fieldY);
            if (inX != inY || (inX && (valueX != valueY || fieldX != fieldY)))
            {
                return false;
            }
        }

        return true;
    }

    private static bool SameList(IReadOnlyList<string>? x, IReadOnlyList<string>? y)
    {
        if (x is null || y is null)
        {
            return (x?.Count ?? 0) == 0 && (y?.Count ?? 0) == 0;
        }

        return x.SequenceEqual(y, StringComparer.Ordinal);
    }

    private static bool SameMap(IReadOnlyDictionary<string, string>? x, IReadOnlyDictionary<string, string>? y)
    {
        if ((x?.Count ?? 0) != (y?.Count ?? 0))
        {
            return false;
        }

        if (x is null || y is null || ReferenceEquals(x, y))
        {
            return true;
        }

        foreach (var (key, value) in x)
        {
            if (!y.TryGetValue(key, out var other) || other != value)
            {
                return false;
            }
        }

        return true;
    }
}
