using FluentValidation;
using WaypointWebhook.Policy.Checks;
using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Policy.Findings;

public static class FindingRuleExtensions
{
    /// <summary>FluentValidation's message, constant and without placeholders: the real one is in <see cref="FindingTag"/>.</summary>
    private const string NoTemplate = "-";

    [ThreadStatic]
    private static bool denyMessagesSuppressed;

    [ThreadStatic]
    private static bool warnMessagesSuppressed;

    /// <summary>
    /// While the returned scope is open, findings of the given verdicts on this thread carry no message (the
    /// policy knows they will not be shown: an answer lists only so many). Evaluation is synchronous, so a
    /// thread-static flag is exact. Reason, verdict, field and scope are still reported.
    /// </summary>
    internal static MessageSuppression SuppressMessages(bool deny, bool warn)
    {
        var scope = new MessageSuppression(denyMessagesSuppressed, warnMessagesSuppressed);
        denyMessagesSuppressed = deny;
        warnMessagesSuppressed = warn;
        return scope;
    }

    internal readonly struct MessageSuppression(bool deny, bool warn) : IDisposable
    {
        public void Dispose() => (denyMessagesSuppressed, warnMessagesSuppressed) = (deny, warn);
    }

    private static string MessageFor<T>(T x, Verdict verdict, Func<T, string> message) =>
        (verdict == Verdict.Deny ? denyMessagesSuppressed : warnMessagesSuppressed) ? string.Empty : message(x);

    /// <summary>
    /// Declares a rule's outcome the way the policy reads it back: ErrorCode is the reason code,
    /// Severity Error is deny and Warning is warn, the custom state carries rule id, field, scope and message.
    /// </summary>
    public static IRuleBuilderOptions<T, TProperty> Reports<T, TProperty>(
        this IRuleBuilderOptions<T, TProperty> rule,
        string ruleId,
        string reason,
        Func<T, Verdict> verdict,
        Func<T, string> field,
        Func<T, string> scope,
        Func<T, string> message)
    {
        var compose = Composer(message);
        return rule.WithErrorCode(reason)
            .WithSeverity(x => verdict(x) == Verdict.Deny ? Severity.Error : Severity.Warning)
            .WithState(x => new FindingTag(ruleId, field(x), scope(x), MessageFor(x, verdict(x), message), Compose: compose))
            .WithMessage(NoTemplate);
    }

    /// <summary>A rule whose id and reason code depend on the object: the failure it reports (W12, C3/C4).</summary>
    public static IRuleBuilderOptions<T, TProperty> Reports<T, TProperty>(
        this IRuleBuilderOptions<T, TProperty> rule,
        Func<T, string> ruleId,
        Func<T, string> reason,
        Func<T, Verdict> verdict,
        Func<T, string> field,
        Func<T, string> scope,
        Func<T, string> message)
    {
        var compose = Composer(message);
        return rule.WithErrorCode("-")
            .WithSeverity(x => verdict(x) == Verdict.Deny ? Severity.Error : Severity.Warning)
            .WithState(x => new FindingTag(ruleId(x), field(x), scope(x), MessageFor(x, verdict(x), message), reason(x), compose))
            .WithMessage(NoTemplate);
    }

    /// <summary>The rule's message function over any check of its kind (one delegate per rule, made when the rules are built).</summary>
    private static Func<object, string> Composer<T>(Func<T, string> message) => check => message((T)check);

    /// <summary>An enrollment rule: its field is a label of the enrollment, its scope the enrollment's labels.</summary>
    public static IRuleBuilderOptions<EnrollmentCheck, TProperty> Reports<TProperty>(
        this IRuleBuilderOptions<EnrollmentCheck, TProperty> rule,
        string ruleId,
        string reason,
        Verdict verdict,
        string labelKey,
        Func<EnrollmentCheck, string> message) =>
        rule.Reports(ruleId, reason, _ => verdict, c => c.Enrollment.Labels.FieldFor(labelKey), c => c.Enrollment.Labels.Field, message);

    public static Finding ToFinding(this FluentValidation.Results.ValidationFailure failure)
    {
        var tag = (FindingTag)failure.CustomState;
        return new Finding(
            tag.Rule,
            tag.Reason ?? failure.ErrorCode,
            failure.Severity == Severity.Error ? Verdict.Deny : Verdict.Warn,
            tag.Field,
            tag.Message,
            tag.Scope);
    }
}
