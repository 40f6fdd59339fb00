using WaypointWebhook.Policy.Configuration;
using WaypointWebhook.Policy.Model;
using WaypointWebhook.Policy.Resolution;

namespace WaypointWebhook.Policy;

/// <summary>
/// Before an admission is evaluated: which objects the view lacks whose absence could decide a denial.
/// Pure and cheap (a few dictionary lookups); in the common case it finds nothing and allocates nothing.
/// </summary>
public static class MissFinder
{
    public static ViewMisses Find(Subject subject, IClusterView view, PolicyOptions options)
    {
        if (subject is not EnrollingSubject enrolling
            || enrolling.ConsumerNamespace is not { } consumer
            || options.ExcludedNamespaces.Contains(consumer))
        {
            return ViewMisses.None;
        }

        List<ObjectKey>? gateways = null;

        // A missing Gateway of this name would make a gateway's own Pod look like a consumer.
        if (Exemptions.GatewayNameOf(enrolling) is { } own && view.GetGateway(consumer, own) is null)
        {
            (gateways ??= []).Add(new ObjectKey(consumer, own));
        }

        var namesWaypoint = false;
        foreach (var enrollment in enrolling.Enrollments)
        {
            if (WaypointReference.TargetOf(enrollment.Labels, consumer) is not { } target)
            {
                continue;
            }

            namesWaypoint = true;

            // A missing waypoint only warns unless configured to deny; then the miss must be certain.
            if (options.MissingWaypointVerdict == Verdict.Deny
                && view.GetGateway(target.Namespace, target.Name) is null
                && gateways?.Contains(target) != true)
            {
                (gateways ??= []).Add(target);
            }
        }

        // A Namespace under admission brings its own labels; any other subject's namespace must be known
        // for a Selector listener to be judged on its labels rather than on a guess.
        var namespaceMissing = namesWaypoint && enrolling.Kind != SubjectKind.Namespace && view.GetNamespace(consumer) is null;
        if (gateways is null && !namespaceMissing)
        {
            return ViewMisses.None;
        }

        gateways ??= [];
        var asked = Math.Min(gateways.Count, ViewMisses.MaxConfirmations - (namespaceMissing ? 1 : 0));
        return new ViewMisses(gateways[..asked], namespaceMissing ? [consumer] : [], gateways[asked..]);
    }
}
