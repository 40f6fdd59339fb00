using WaypointWebhook.Policy.Model;
using WaypointWebhook.Policy.Syntax;

namespace WaypointWebhook.Policy.Resolution;

/// <summary>
/// The Gateways a consumer's own labels name, primary and canary, for every enrollment (a ServiceEntry's
/// endpoints too): the keys the consumer index files it under, so a change to a Gateway looks up only the
/// objects that name it. Read as the rules read them (<see cref="WaypointReference"/>): a value that is not a
/// valid name names nothing.
/// </summary>
public static class ConsumerTargets
{
    /// <summary>Whether the object carries a waypoint reference at all: what the index keeps (the watches' label selectors).</summary>
    public static bool IsConsumer(EnrollingSubject subject)
    {
        foreach (var enrollment in subject.Enrollments)
        {
            if (enrollment.Labels.Has(WaypointLabels.UseWaypoint) || enrollment.Labels.Has(WaypointLabels.UseWaypointCanary))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Each Gateway once, in the order first named.</summary>
    public static IReadOnlyList<ObjectKey> Of(EnrollingSubject subject)
    {
        var consumerNamespace = subject.ConsumerNamespace ?? string.Empty;
        List<ObjectKey>? targets = null;
        foreach (var enrollment in subject.Enrollments)
        {
            Add(ref targets, WaypointReference.TargetOf(enrollment.Labels, consumerNamespace));
            Add(ref targets, CanaryTargetOf(enrollment.Labels, consumerNamespace));
        }

        return targets ?? (IReadOnlyList<ObjectKey>)[];
    }

    /// <summary><c>(UWCN if present, else the consumer namespace)/UWC</c> when both are valid names and UWC asks for a canary.</summary>
    private static ObjectKey? CanaryTargetOf(EnrollmentLabels labels, string consumerNamespace)
    {
        var name = labels.Get(WaypointLabels.UseWaypointCanary);
        if (name is not { Length: > 0 } || name == WaypointLabels.OptOut || !KubernetesNames.IsDns1123Subdomain(name, KubernetesNames.MaxLabelLength))
        {
            return null;
        }

        if (!labels.Has(WaypointLabels.UseWaypointCanaryNamespace))
        {
            return new ObjectKey(consumerNamespace, name);
        }

        var @namespace = labels.Get(WaypointLabels.UseWaypointCanaryNamespace);
        return KubernetesNames.IsDns1123Label(@namespace) && @namespace is { } ns ? new ObjectKey(ns, name) : null;
    }

    private static void Add(ref List<ObjectKey>? targets, ObjectKey? target)
    {
        if (target is { } key && !(targets?.Contains(key) ?? false))
        {
            (targets ??= []).Add(key);
        }
    }
}
