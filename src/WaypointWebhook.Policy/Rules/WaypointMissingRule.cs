using FluentValidation;
using WaypointWebhook.Policy.Checks;
using WaypointWebhook.Policy.Findings;
using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Policy.Rules;

/// <summary>
/// W13: a ServiceEntry with a wildcard host, or with the connect strategy <c>RACE_FIRST_TCP_CONNECT</c>, needs a
/// waypoint; bound to none (own or inherited), istiod writes the condition <c>istio.io/WaypointMissing</c>
/// (<c>ServiceInfo.GetConditions</c>, reasons <c>NoWaypointForWildcardService</c> and
/// <c>NoWaypointForRacingConnectStrategy</c>, decision D6).
/// </summary>
public static class WaypointMissingRule
{
    private const string WildcardMessage = "ServiceEntry will not apply until it is bound to a valid waypoint.";

    private const string ConnectStrategyMessage =
        "ServiceEntry has a non-default connect strategy but no waypoint bound. A waypoint is required for connect strategies to take effect for ambient clients.";

    public static void Define(AbstractValidator<EnrollmentCheck> rules)
    {
        rules.RuleFor(c => c.BindsForService)
            .Equal(true)
            .When(c => c.Enrollment.IsObjectLevel && c.Subject.Kind == SubjectKind.ServiceEntry && (HasWildcard(c) || Races(c)))
            .Reports(
                "W13",
                ReasonCodes.WaypointMissing,
                _ => Verdict.Warn,
                c => HasWildcard(c) ? "spec.hosts" : $"metadata.annotations[{WaypointLabels.ConnectStrategyAnnotation}]",
                c => c.Enrollment.Labels.Field,
                c =>
                {
                    var why = (HasWildcard(c), Races(c)) switch
                    {
                        (true, true) => $"has a wildcard host and {WaypointLabels.ConnectStrategyAnnotation}={WaypointLabels.RaceFirstTcpConnect}",
                        (true, false) => "has a wildcard host",
                        _ => $"has {WaypointLabels.ConnectStrategyAnnotation}={WaypointLabels.RaceFirstTcpConnect}",
                    };
                    var istiod = Races(c)
                        ? $"reason NoWaypointForRacingConnectStrategy: \"{ConnectStrategyMessage}\""
                        : $"reason NoWaypointForWildcardService: \"{WildcardMessage}\"";
                    return $"{c.Who} {why} but is bound to no waypoint ({Bound(c)}); istiod writes istio.io/WaypointMissing ({istiod}). " +
                           $"Fix: label it (or its namespace) {WaypointLabels.UseWaypoint}=<a waypoint that accepts service traffic>.";
                });
    }

    private static bool HasWildcard(EnrollmentCheck c) => c.Subject.Hosts?.Any(h => h.StartsWith('*')) == true;

    private static bool Races(EnrollmentCheck c) =>
        string.Equals(c.Subject.Annotation(WaypointLabels.ConnectStrategyAnnotation), WaypointLabels.RaceFirstTcpConnect, StringComparison.OrdinalIgnoreCase);

    private static string Bound(EnrollmentCheck c) => c.UseWaypoint switch
    {
        WaypointLabels.OptOut => $"{WaypointLabels.UseWaypoint}=none",
        null when c.Inherited is { Failure: { } failure } => $"its namespace's waypoint fails: {failure.Detail}",
        null => $"neither it nor namespace {c.ConsumerNamespace} has {WaypointLabels.UseWaypoint}",
        _ => c.OwnServiceFailure is { } own ? $"its {c.Reference} fails: {own.Detail}" : $"its {c.Reference} does not resolve to a waypoint",
    };
}
