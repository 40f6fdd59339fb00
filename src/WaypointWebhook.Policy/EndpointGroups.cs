using System.Globalization;
using System.Text;
using WaypointWebhook.Policy.Messages;
using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Policy;

/// <summary>
/// A ServiceEntry's endpoints, grouped so that each distinct waypoint reference is judged once (spec
/// section 4: identical findings of several endpoints are reported once, with the endpoints' indexes and
/// count). The rules read only <c>istio.io/use-waypoint</c> and <c>istio.io/use-waypoint-namespace</c> of an
/// endpoint, so endpoints whose two labels are equal (present or absent alike) get identical findings;
/// endpoints with neither get none and are skipped. On UPDATE an endpoint whose two labels changed against
/// the old object's endpoint (paired by address, as istiod keys workload entries; by index only
/// without one) is grouped apart from one whose labels did not, so every
/// group has one answer to "did the user's change cause this?". Linear in the endpoints.
/// </summary>
public static class EndpointGroups
{
    /// <summary>At most this many index runs are named in a group's field, then the count.</summary>
    public const int MaxRunsShown = 8;

    /// <param name="Enrollment">The group's enrollment: the first endpoint's labels, under the group's field.</param>
    /// <param name="Changed">Whether the group's endpoints changed their waypoint labels (true on CREATE).</param>
    /// <param name="Count">How many endpoints the group holds.</param>
    public sealed record EndpointGroup(Enrollment Enrollment, bool Changed, int Count);

    private readonly record struct Key(string? UseWaypoint, string? UseWaypointNamespace, bool Changed);

    private sealed class Builder(Enrollment first, bool changed)
    {
        private readonly List<(int Start, int End)> runs = [];

        public Enrollment First { get; } = first;

        public bool Changed { get; } = changed;

        public int Count { get; private set; }

        public void Add(int index)
        {
            Count++;
            if (runs.Count > 0 && runs[^1].End == index - 1)
            {
                runs[^1] = (runs[^1].Start, index);
            }
            else if (runs.Count <= MaxRunsShown)
            {
                // One run past those shown is kept: it tells that the list goes on.
                runs.Add((index, index));
            }
        }

        /// <summary><c>spec.endpoints[3].labels</c>, <c>spec.endpoints[0..49999].labels</c>, <c>spec.endpoints[0,2,4..7,… 25000 endpoints].labels</c>.</summary>
        public string Field()
        {
            if (Count == 1)
            {
                return First.Labels.Field;
            }

            var text = new StringBuilder("spec.endpoints[");
            for (var i = 0; i < Math.Min(runs.Count, MaxRunsShown); i++)
            {
                var (start, end) = runs[i];
                text.Append(i > 0 ? "," : string.Empty).Append(start.ToString(CultureInfo.InvariantCulture));
                if (end > start)
                {
                    text.Append(end == start + 1 ? "," : "..").Append(end.ToString(CultureInfo.InvariantCulture));
                }
            }

            if (runs.Count > MaxRunsShown)
            {
                text.Append(",").Append(SafeText.Ellipsis).Append(' ').Append(Count.ToString(CultureInfo.InvariantCulture)).Append(" endpoints");
            }

            return text.Append("].labels").ToString();
        }
    }

    /// <summary>
    /// Groups <paramref name="endpoints"/> (each with the field <c>spec.endpoints[i].labels</c> the subject
    /// reader gives it), in order of first appearance.
    /// </summary>
    public static IEnumerable<EndpointGroup> Group(IReadOnlyList<Enrollment> endpoints, EnrollingSubject? old)
    {
        var previous = old is null ? null : PreviousEndpoints.Of(old);

        var groups = new Dictionary<Key, Builder>();
        var order = new List<Builder>();
        for (var i = 0; i < endpoints.Count; i++)
        {
            var endpoint = endpoints[i];
            var useWaypoint = endpoint.Labels.Get(WaypointLabels.UseWaypoint);
            var useWaypointNamespace = endpoint.Labels.Get(WaypointLabels.UseWaypointNamespace);
            if (useWaypoint is null && useWaypointNamespace is null)
            {
                continue;
            }

            var changed = previous?.Changed(endpoint, useWaypoint, useWaypointNamespace) ?? true;
            var key = new Key(useWaypoint, useWaypointNamespace, changed);
            if (!groups.TryGetValue(key, out var group))
            {
                group = new Builder(endpoint, changed);
                groups.Add(key, group);
                order.Add(group);
            }

            group.Add(Index(endpoint, i));
        }

        foreach (var group in order)
        {
            var first = group.First;
            var enrollment = group.Count == 1
                ? first
                : first with { Labels = new EnrollmentLabels(first.Labels.ToDictionary(), group.Field()) };
            yield return new EndpointGroup(enrollment, group.Changed, group.Count);
        }
    }

    /// <summary>The endpoint's index from its field (<c>spec.endpoints[12].labels</c>), else its position.</summary>
    private static int Index(Enrollment endpoint, int position)
    {
        var field = endpoint.Labels.Field.AsSpan();
        var open = field.IndexOf('[');
        var close = field.IndexOf(']');
        return open >= 0 && close > open && int.TryParse(field[(open + 1)..close], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            ? index
            : position;
    }
}
