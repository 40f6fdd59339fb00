using FluentValidation;
using WaypointWebhook.Policy.Checks;
using WaypointWebhook.Policy.Findings;
using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Policy.Rules;

/// <summary>
/// W14: under meshConfig <c>serviceEntryVisibility</c> NAMESPACE, istiod refuses a ServiceEntry's waypoint in
/// another namespace (<c>fetchWaypointForService</c>, <c>CrossNamespaceWaypointForbidden</c>). Checked only when the
/// operator configured a mirror of that setting; a Namespace whose reference crosses namespaces there only
/// warns (its ServiceEntries would fail, its Services would not).
/// </summary>
public static class CrossNamespaceRule
{
    /// <summary>
    /// Deny for a ServiceEntry's own reference; a warning for a Namespace, and when the visibility was judged on
    /// a namespace nobody could describe (its policies' selectors read labels the webhook only guessed).
    /// </summary>
    private static Verdict Verdict(EnrollmentCheck c) =>
        c.Subject.Kind == SubjectKind.ServiceEntry && !c.ConsumerNamespaceUnconfirmed ? Model.Verdict.Deny : Model.Verdict.Warn;

    public static void Define(AbstractValidator<EnrollmentCheck> rules)
    {
        rules.RuleFor(c => c.Target)
            .Must((c, target) => target is null || target.Namespace == c.ConsumerNamespace)
            .When(c => c.Enrollment.IsObjectLevel && c.NamespaceVisibility && c.Subject.Kind is SubjectKind.ServiceEntry or SubjectKind.Namespace)
            .Reports(
                "W14",
                ReasonCodes.CrossNamespaceWaypointForbidden,
                Verdict,
                c => c.UseWaypointField,
                c => c.Enrollment.Labels.Field,
                c => c.Subject.Kind == SubjectKind.ServiceEntry
                    ? $"{c.Who}: {c.Reference} refers to waypoint {c.Target} in another namespace, but ServiceEntries of namespace " +
                      $"{c.ConsumerNamespace} have NAMESPACE visibility (meshConfig serviceEntryVisibility); " +
                      $"{Istiod.Outcome(c.Subject, ReasonCodes.CrossNamespaceWaypointForbidden)} Fix: use a waypoint in {c.ConsumerNamespace}."
                    : $"{c.Who}: {c.Reference} refers to waypoint {c.Target} in another namespace, but ServiceEntries of namespace " +
                      $"{c.ConsumerNamespace} have NAMESPACE visibility: istiod refuses it for every ServiceEntry that inherits it " +
                      $"(WaypointBound=False, reason {ReasonCodes.CrossNamespaceWaypointForbidden}); its Services are not affected. " +
                      $"Fix: give the ServiceEntries a waypoint in {c.ConsumerNamespace}.");
    }
}
