using FluentValidation;
using WaypointWebhook.Policy.Checks;
using WaypointWebhook.Policy.Model;
using WaypointWebhook.Policy.Resolution;

namespace WaypointWebhook.Policy.Rules;

/// <summary>
/// W6: the referenced Gateway is not of a waypoint class. istiod accepts any Gateway with addresses, so
/// pointing at an ingress gateway "binds" and breaks traffic; we deny. Ends the resolution: no
/// traffic-type or attachment finding follows.
/// </summary>
public static class NotAWaypointRule
{
    public static void Define(AbstractValidator<EnrollmentCheck> rules)
    {
        rules.RuleFor(c => c.Target)
            .Must(target => target is not NonWaypointGateway)
            .Reports("W6", ReasonCodes.NotAWaypoint, Verdict.Deny, WaypointLabels.UseWaypoint, c => c.Target is NonWaypointGateway gateway ? Message(c, gateway) : string.Empty);
    }

    private static string Message(EnrollmentCheck c, NonWaypointGateway target)
    {
        var controller = target.ClassController is null ? string.Empty : $" (controller {target.ClassController})";
        return $"{c.Who}: {c.Reference} refers to Gateway {target} of class \"{target.Gateway.ClassName}\"{controller}, " +
               "which is not a waypoint; traffic would be sent to a gateway that cannot act as one. Fix: point the label at a " +
               $"waypoint (class istio-waypoint, e.g. istioctl waypoint apply -n {target.Namespace} --name <name>), or remove it.";
    }
}
