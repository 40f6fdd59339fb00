using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Policy;

/// <summary>
/// The endpoints of a ServiceEntry's old object, for the question "did this endpoint's waypoint labels
/// change?" (spec section 5). istiod keys endpoints by address, so an endpoint is paired with the old
/// endpoints of the same address: prepending one endpoint must not make every later one look changed. An
/// endpoint without an address is paired by index. When several old endpoints share an address, the
/// endpoint is unchanged if any of them had its labels: a doubt never makes a deny.
/// </summary>
internal sealed class PreviousEndpoints
{
    private readonly Dictionary<string, List<(string? UseWaypoint, string? UseWaypointNamespace)>> byAddress = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Enrollment> byField = new(StringComparer.Ordinal);

    public static PreviousEndpoints Of(EnrollingSubject old)
    {
        var previous = new PreviousEndpoints();
        foreach (var enrollment in old.Enrollments)
        {
            if (enrollment.IsObjectLevel)
            {
                continue;
            }

            previous.byField.TryAdd(enrollment.Labels.Field, enrollment);
            if (enrollment.Address is { } address)
            {
                if (!previous.byAddress.TryGetValue(address, out var labels))
                {
                    previous.byAddress.Add(address, labels = []);
                }

                labels.Add((enrollment.Labels.Get(WaypointLabels.UseWaypoint), enrollment.Labels.Get(WaypointLabels.UseWaypointNamespace)));
            }
        }

        return previous;
    }

    public bool Changed(Enrollment endpoint, string? useWaypoint, string? useWaypointNamespace)
    {
        if (endpoint.Address is { } address)
        {
            return !byAddress.TryGetValue(address, out var before) || !before.Contains((useWaypoint, useWaypointNamespace));
        }

        return !byField.TryGetValue(endpoint.Labels.Field, out var previous)
               || previous.Labels.Get(WaypointLabels.UseWaypoint) != useWaypoint
               || previous.Labels.Get(WaypointLabels.UseWaypointNamespace) != useWaypointNamespace;
    }
}
