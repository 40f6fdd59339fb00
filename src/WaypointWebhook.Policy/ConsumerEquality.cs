using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Policy;

/// <summary>Whether two projections of one consumer are the same to the rules: what lets the live view skip a version-only change.</summary>
public static class ConsumerEquality
{
    /// <summary>The same object, and nothing the rules read differs (the comparison the reverse check's equivalence classes use).</summary>
    public static bool SameForRules(EnrollingSubject a, EnrollingSubject b) => a.Object == b.Object && ConsumerClassKey.Alike(a, b);
}
