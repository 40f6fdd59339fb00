using WaypointWebhook.Policy.Checks;
using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Policy.Rules;

/// <summary>What the canary rules (C1..C4) share: their fields, scope, verdict and how istiod reacts.</summary>
internal static class CanaryText
{
    public static string WeightField => $"metadata.annotations[{WaypointLabels.CanaryWeightAnnotation}]";

    /// <summary>On UPDATE a canary finding denies only when the canary keys or the weight changed.</summary>
    public static string Scope(EnrollmentCheck c) => c.Enrollment.Labels.Field + ChangeDetector.CanarySuffix;

    public static string Field(EnrollmentCheck c, string key) => c.Enrollment.Labels.FieldFor(key);

    /// <summary>The canary as a message names it, and where it comes from when inherited.</summary>
    /// <summary>A message about the canary the check resolved; the rule's condition already holds only when there is one.</summary>
    public static Func<EnrollmentCheck, string> About(Func<EnrollmentCheck, CanaryCheck, string> message) =>
        c => c.Canary is { } canary ? message(c, canary) : string.Empty;

    public static string Describe(EnrollmentCheck c, CanaryCheck canary) =>
        canary.Inherited ? $"{canary.Reference}, inherited from {canary.Source}," : canary.Reference;

    /// <summary>istiod keeps the primary: the condition stays WaypointBound=True with the canary's failure appended (decision D7).</summary>
    public static string KeepsPrimary(EnrollmentCheck c, string why) => c.Subject.Kind == SubjectKind.Namespace
        ? $"istiod keeps the primary waypoint for the namespace's Services and appends \". Canary waypoint not attached: {why}\" to their WaypointBound=True."
        : $"istiod keeps the primary waypoint and appends \". Canary waypoint not attached: {why}\" to its WaypointBound=True.";
}
