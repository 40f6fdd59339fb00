using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Policy;

/// <summary>One finding as the policy's evaluation hands it on, with what produced it.</summary>
/// <param name="EndpointsChanged">For a group of ServiceEntry endpoints on UPDATE: whether their waypoint labels changed (null: ask the <see cref="ChangeDetector"/>).</param>
/// <param name="Enrollment">The enrollment the check judged (null for a Gateway or GatewayClass): the traffic it needs.</param>
/// <param name="Check">The check the rule read.</param>
/// <param name="Compose">The rule's message function over such a check (see <see cref="Findings.FindingTag.Compose"/>).</param>
internal readonly record struct RuleOutcome(Finding Finding, bool? EndpointsChanged, Enrollment? Enrollment, object Check, Func<object, string>? Compose);
