using WaypointWebhook.Policy.Messages;
using WaypointWebhook.Policy.Model;
using WaypointWebhook.Policy.Resolution;
using WaypointWebhook.Policy.Rules;
using WaypointWebhook.Policy.Syntax;

namespace WaypointWebhook.Policy.Resolution;

/// <summary>
/// The namespace's waypoint a Service or ServiceEntry without <c>istio.io/use-waypoint</c> of its own inherits
/// (<c>fetchWaypointForTarget</c>'s second half), and why istiod would not bind it (rule W12).
/// </summary>
/// <param name="Reference">How messages quote the Namespace's labels.</param>
/// <param name="Target">The Gateway it names, when its labels are valid names.</param>
/// <param name="Resolved">What that Gateway turned out to be.</param>
/// <param name="Failure">Null when istiod binds the inherited waypoint.</param>
public sealed record InheritedReference(string Namespace, string Reference, ObjectKey? Target, ResolvedWaypoint? Resolved, BindingFailure? Failure)
{
    public bool Binds => Failure is null && Resolved is WaypointGateway;

    /// <summary>The namespace's reference, or null when the namespace names none (no label, <c>none</c>, or the view does not know it).</summary>
    /// <param name="visibility">The ServiceEntry visibility of the namespace, for a ServiceEntry (istiod applies the guard to inherited waypoints too).</param>
    public static InheritedReference? Of(string @namespace, NamespaceInfo? info, IClusterView view, WaypointClasses classes, string? visibility)
    {
        if (info is null || !info.Labels.TryGetValue(WaypointLabels.UseWaypoint, out var name) || name == WaypointLabels.OptOut)
        {
            return null;
        }

        var labels = new EnrollmentLabels(info.Labels, "metadata.labels");
        var hasNamespace = labels.Has(WaypointLabels.UseWaypointNamespace);
        var uwn = labels.Get(WaypointLabels.UseWaypointNamespace);
        var reference = hasNamespace
            ? $"{WaypointLabels.UseWaypoint}={Text.Quote(name)} ({WaypointLabels.UseWaypointNamespace}={Text.Quote(uwn)})"
            : $"{WaypointLabels.UseWaypoint}={Text.Quote(name)}";

        if (!KubernetesNames.IsDns1123Subdomain(name, KubernetesNames.MaxLabelLength))
        {
            return new InheritedReference(@namespace, reference, null, null, new BindingFailure("W1", ReasonCodes.InvalidLabelValue, $"\"{Text.Quote(name)}\" is not a valid waypoint name"));
        }

        if (hasNamespace && !KubernetesNames.IsDns1123Label(uwn))
        {
            return new InheritedReference(@namespace, reference, null, null, new BindingFailure("W2", ReasonCodes.InvalidLabelValue, $"\"{Text.Quote(uwn)}\" is not a valid namespace name"));
        }

        if (WaypointReference.TargetOf(labels, @namespace) is not { } target)
        {
            return null; // unreachable: a valid name and namespace always make a target; nothing is inherited otherwise
        }

        var resolved = ResolvedWaypoint.Resolve(target, @namespace, NamespaceLabels.WithName(info.Labels, @namespace), view, classes);
        return new InheritedReference(@namespace, reference, target, resolved, ServiceBinding.FailureOf(resolved, @namespace, visibility == ServiceEntryVisibility.Namespace));
    }
}
