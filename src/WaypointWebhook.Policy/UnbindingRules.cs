using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Policy;

/// <summary>
/// Which findings mean that istiod gives a consumer no waypoint (it is "not bound", spec section 7), decided by
/// rule id: reason codes are shared by rules that unbind and rules that do not (C3 warns
/// <c>UnsupportedTrafficType</c> while the primary keeps serving; W10 and C1 use <c>InvalidLabelValue</c>).
/// Read on the findings as the rules give them, before a controller-made object's denies become warnings.
/// The choices and their istiod sources are in docs/reverse-check-decisions.md.
/// </summary>
public static class UnbindingRules
{
    /// <summary>
    /// The unbinding rules in istiod's order of checks (<c>fetchWaypointForTarget</c>: name, existence and
    /// readiness, attachment; then <c>fetchWaypointForService</c>/<c>…ForWorkload</c>: traffic type, visibility),
    /// then the consequences and the capture: when several hold, the first is the reason istiod reports.
    /// </summary>
    private static readonly string[] Order = ["W1", "W2", "W5", "W6", "W8", "W7", "W9", "W14", "W12", "W13", "C4", "W11"];

    /// <summary>Whether <paramref name="finding"/> leaves its object without a waypoint.</summary>
    public static bool Unbinds(Finding finding) => finding.Rule switch
    {
        // Not a waypoint: only for Gateways of Istio's own non-waypoint controllers (the rule's deny). Any other
        // controller may be a third-party waypoint, which istiod binds and serves.
        "W6" or "C4" => finding.Verdict == Verdict.Deny,
        _ => Rank(finding.Rule) >= 0,
    };

    /// <summary>The rule's place in <see cref="Order"/>, -1 for a rule that does not unbind.</summary>
    public static int Rank(string rule) => Array.IndexOf(Order, rule);
}
