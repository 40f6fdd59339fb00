using System.Globalization;
using System.Text;
using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Policy;

/// <summary>
/// The equivalence class of a consumer: everything the rules read from it except its name. Consumers of one
/// class get the same findings (only the name in their messages differs), so the reverse check and the audit
/// judge one of them per class: a Deployment's 300 Pods are one evaluation, not 300. A Namespace is its own
/// class (its name is the consumer namespace its waypoint's allowedRoutes judge, and it keeps every label).
/// Every part is length-prefixed, so no value can make two different consumers share a key.
/// </summary>
internal static class ConsumerClassKey
{
    public static string Of(EnrollingSubject consumer)
    {
        var key = new StringBuilder(160);
        Part(key, consumer.Kind.ToString());
        Part(key, consumer.ConsumerNamespace);
        Part(key, consumer.Object.Namespace);
        Part(key, consumer.Object.Kind);
        Part(key, consumer.MadeByController ? "c" : "-");
        Part(key, consumer.ServiceType);
        Count(key, consumer.Hosts?.Count);
        foreach (var host in consumer.Hosts ?? [])
        {
            Part(key, host);
        }

        Count(key, consumer.Annotations?.Count);
        if (consumer.Annotations is { Count: > 0 } annotations)
        {
            foreach (var (name, value) in annotations.OrderBy(a => a.Key, StringComparer.Ordinal))
            {
                Part(key, name);
                Part(key, value);
            }
        }

        Count(key, consumer.Enrollments.Count);
        foreach (var enrollment in consumer.Enrollments)
        {
            Part(key, enrollment.Labels.Field);
            Part(key, enrollment.Needs == TrafficNeed.Service ? "s" : "w");
            Part(key, enrollment.IsObjectLevel ? "o" : "e");
            if (consumer.Kind == SubjectKind.Namespace)
            {
                var labels = enrollment.Labels.ToDictionary();
                Count(key, labels.Count);
                foreach (var (name, value) in labels.OrderBy(l => l.Key, StringComparer.Ordinal))
                {
                    Part(key, name);
                    Part(key, value);
                }

                continue;
            }

            // The only keys the rules read from a consumer that is not a Namespace, with the field each is
            // read from (a WorkloadEntry's come from metadata.labels or spec.labels).
            foreach (var name in ConsumerLabels.Read)
            {
                if (enrollment.Labels.Has(name))
                {
                    Part(key, enrollment.Labels.FieldFor(name));
                    Part(key, enrollment.Labels.Get(name));
                }
                else
                {
                    key.Append('!');
                }
            }
        }

        return key.ToString();
    }

    private static void Part(StringBuilder key, string? value)
    {
        if (value is null)
        {
            key.Append('~');
            return;
        }

        key.Append(value.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(value);
    }

    private static void Count(StringBuilder key, int? count) =>
        key.Append('#').Append((count ?? -1).ToString(CultureInfo.InvariantCulture));
}
