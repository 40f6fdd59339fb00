namespace WaypointWebhook.Policy.Findings;

/// <summary>What a rule attaches to its failure beyond FluentValidation's own fields.</summary>
/// <param name="Rule">The spec's rule id.</param>
/// <param name="Field">The field path (FluentValidation's PropertyName is static; ours depends on the object).</param>
/// <param name="Scope">The part of the object that must change on UPDATE for a deny to stand.</param>
/// <param name="Message">
/// The finding's message. Carried here rather than as FluentValidation's message, which FluentValidation
/// formats as a template: a user value such as <c>p-{PropertyName}</c> inside it would be substituted.
/// </param>
/// <param name="Reason">The reason code when it depends on the object (W12, C3: the reason of the failure); else FluentValidation's ErrorCode.</param>
/// <param name="Compose">
/// The rule's message function, for a check of the same kind: the audit writes each consumer's message by applying
/// it to the check of its class retargeted at the consumer, instead of running every rule again per consumer.
/// </param>
public sealed record FindingTag(string Rule, string Field, string Scope, string Message = "", string? Reason = null, Func<object, string>? Compose = null);
