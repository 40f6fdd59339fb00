using FluentValidation;
using WaypointWebhook.Policy.Checks;
using WaypointWebhook.Policy.Findings;
using WaypointWebhook.Policy.Messages;
using WaypointWebhook.Policy.Model;
using WaypointWebhook.Policy.Resolution;

namespace WaypointWebhook.Policy.Rules;

/// <summary>
/// W6: the referenced Gateway is no waypoint (not of a waypoint class, not a sandwich). istiod accepts any
/// Gateway with addresses, so pointing at an ingress gateway "binds" and breaks traffic: denied for Istio's
/// own non-waypoint controllers, a warning for controllers the webhook does not know (third-party
/// waypoints exist). Ends the resolution: no traffic-type or attachment finding follows.
/// </summary>
public static class NotAWaypointRule
{
    public static void Define(AbstractValidator<EnrollmentCheck> rules)
    {
        rules.RuleFor(c => c.Target)
            .Must(target => target is not NonWaypointGateway)
            .Reports(
                "W6",
                ReasonCodes.NotAWaypoint,
                c => c.Target is NonWaypointGateway { Certain: true } ? Verdict.Deny : Verdict.Warn,
                c => c.UseWaypointField,
                c => c.Enrollment.Labels.Field,
                c => c.Target is NonWaypointGateway gateway ? Message(c.Who, c.Reference, gateway) : string.Empty);
    }

    private static string Message(string who, string reference, NonWaypointGateway target)
    {
        var controller = target.ClassController is null ? string.Empty : $" (controller {Text.Quote(target.ClassController)})";
        var what = target.Certain
            ? "which is not a waypoint; istiod binds any Gateway that has addresses, so traffic would be sent to a gateway that cannot act as one"
            : "whose controller the webhook does not know as a waypoint controller; if it is not a third-party waypoint, traffic would be sent to a gateway that cannot act as one";
        return $"{who}: {reference} refers to Gateway {target} of class \"{Text.Quote(target.Gateway.ClassName)}\"{controller}, {what}. " +
               "Fix: point the label at a waypoint (class istio-waypoint, e.g. istioctl waypoint apply -n " +
               $"{target.Namespace} --name <name>), label the Gateway {WaypointLabels.DataplaneMode}=ambient if it is meant as a sandwich waypoint, or remove the label.";
    }
}
