using WaypointWebhook.Policy.Messages;
using WaypointWebhook.Policy.Model;
using WaypointWebhook.Policy.Rules;

namespace WaypointWebhook.Policy.Resolution;

/// <summary>
/// Whether a resolved reference binds for service traffic, in istiod's order of checks
/// (<c>fetchWaypointForTarget</c>, then <c>fetchWaypointForService</c>): existence and readiness, attachment,
/// traffic type, then the ServiceEntry visibility guard. Shared by the rules that judge a reference the
/// subject did not write itself or whose outcome is all they need: W12 (inherited), W13 (bound at all),
/// C3/C4 (canary).
/// </summary>
public static class ServiceBinding
{
    /// <param name="crossNamespaceForbidden">The subject is a ServiceEntry whose visibility is NAMESPACE (W14's condition).</param>
    public static BindingFailure? FailureOf(ResolvedWaypoint target, string consumerNamespace, bool crossNamespaceForbidden) => target switch
    {
        MissingGateway => new BindingFailure("W5", ReasonCodes.WaypointIsNotReady, $"waypoint Gateway {target} does not exist"),
        NonWaypointGateway gateway => new BindingFailure(
            "W6",
            ReasonCodes.NotAWaypoint,
            $"Gateway {target} of class \"{Text.Quote(gateway.Gateway.ClassName)}\" is not a waypoint",
            gateway.Certain),
        WaypointGateway { Gateway.HasAddresses: false } => new BindingFailure("W5", ReasonCodes.WaypointIsNotReady, $"waypoint {target} has no status.addresses yet (not programmed)"),
        WaypointGateway { AttachmentAllowed: false } => new BindingFailure("W8", ReasonCodes.AttachmentDenied, $"the allowedRoutes of waypoint {target} do not admit namespace {consumerNamespace}"),
        WaypointGateway { TrafficType.AcceptsService: false } waypoint => new BindingFailure(
            "W7",
            ReasonCodes.UnsupportedTrafficType,
            $"waypoint {target} does not accept service traffic ({waypoint.TrafficType.Describe()})"),
        _ when crossNamespaceForbidden && target.Namespace != consumerNamespace => new BindingFailure(
            "W14",
            ReasonCodes.CrossNamespaceWaypointForbidden,
            $"waypoint {target} is in another namespace, and ServiceEntries of namespace {consumerNamespace} have NAMESPACE visibility"),
        _ => null,
    };
}
