using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Policy;

/// <summary>
/// The endpoints of a ServiceEntry's old object, for the question "did this endpoint's waypoint labels
/// change?" (spec section 5). istiod keys endpoints by address, so an endpoint is paired with the old
/// endpoints of the same address: prepending one endpoint must not make every later one look changed. An
/// endpoint without an address is paired by index. When several old endpoints share an address, the
/// endpoint is unchanged if any of them had its labels: a doubt never makes a deny. Only what the question
/// needs is kept (one set entry per old endpoint), as an UPDATE of a large ServiceEntry carries two copies.
/// </summary>
internal sealed class PreviousEndpoints
{
    private readonly HashSet<(string Address, string? UseWaypoint, string? UseWaypointNamespace)> byAddress = [];
    private readonly Dictionary<string, (string? UseWaypoint, string? UseWaypointNamespace)> byField = new(StringComparer.Ordinal);

    public static PreviousEndpoints Of(EnrollingSubject old)
    {
        var previous = new PreviousEndpoints();
        foreach (var enrollment in old.Enrollments)
        {
            if (enrollment.IsObjectLevel)
            {
                continue;
            }

            var labels = (enrollment.Labels.Get(WaypointLabels.UseWaypoint), enrollment.Labels.Get(WaypointLabels.UseWaypointNamespace));
            previous.byField.TryAdd(enrollment.Labels.Field, labels);
            if (enrollment.Address is { } address)
            {
                previous.byAddress.Add((address, labels.Item1, labels.Item2));
            }
        }

        return previous;
    }

    public bool Changed(Enrollment endpoint, string? useWaypoint, string? useWaypointNamespace) =>
        endpoint.Address is { } address
            ? !byAddress.Contains((address, useWaypoint, useWaypointNamespace))
            : !byField.TryGetValue(endpoint.Labels.Field, out var before) || before != (useWaypoint, useWaypointNamespace);
}
