using WaypointWebhook.Policy.Checks;
using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Policy;

/// <summary>
/// Why a consumer is not bound: the first unbinding finding (<see cref="UnbindingRules"/>), the traffic its
/// enrollment needs, and what the finding's message is made of, so that every consumer of the class gets its own.
/// </summary>
internal sealed class Unbinding(Finding finding, TrafficNeed needs, EnrollmentCheck? check, Func<object, string>? compose)
{
    public Finding Finding => finding;

    public TrafficNeed Needs => needs;

    public string Rule => finding.Rule;

    public string Reason => finding.Reason;

    /// <summary>
    /// The finding's message for <paramref name="member"/>, a consumer of the same class: the rule's own message
    /// function applied to the class's check retargeted at it, exactly what evaluating it would write.
    /// </summary>
    public string MessageFor(EnrollingSubject member) =>
        check is not null && compose is not null ? compose(check.For(member)) : finding.Message;
}
