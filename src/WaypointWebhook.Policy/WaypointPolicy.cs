using WaypointWebhook.Policy.Checks;
using WaypointWebhook.Policy.Configuration;
using WaypointWebhook.Policy.Findings;
using WaypointWebhook.Policy.Model;
using WaypointWebhook.Policy.Resolution;
using WaypointWebhook.Policy.Rules;

namespace WaypointWebhook.Policy;

/// <summary>
/// The waypoint policy: pure, no I/O, no clock. <see cref="Evaluate"/> applies every rule as on CREATE;
/// <see cref="Review"/> adds the operation, exclusion and enforcement semantics of the admission webhook.
/// Thread-safe: validators are built once and hold no state.
/// </summary>
public sealed class WaypointPolicy(PolicyOptions options)
{
    private static readonly EnrollmentRules EnrollmentRules = new();
    private static readonly GatewayRules GatewayRules = new();
    private static readonly GatewayClassRules GatewayClassRules = new();

    public PolicyOptions Options => options;

    /// <summary>Whether the webhook leaves objects in this namespace alone.</summary>
    public bool IsExcluded(Subject subject)
    {
        return subject.ConsumerNamespace is { } ns && options.ExcludedNamespaces.Contains(ns);
    }

    /// <summary>Every finding for <paramref name="subject"/>, with the verdicts of a CREATE in Deny mode.</summary>
    public IReadOnlyList<Finding> Evaluate(Subject subject, IClusterView view)
    {
        var findings = new List<Finding>();
        var controllerMade = IsControllerMade(subject);
        Evaluate(subject, null, view, suppressMessages: null, (finding, _) => findings.Add(controllerMade ? finding.AsWarning() : finding));
        return findings;
    }

    /// <summary>
    /// The admission verdict: DELETE and CONNECT, unknown kinds (null subject) and excluded namespaces are
    /// allowed unevaluated; on UPDATE a deny stands only when what it is about changed; enforcement mode
    /// Warn turns every deny into a warning. Findings beyond what an answer shows
    /// (<see cref="AnswerBounds"/>) are counted with their reason and field but get no message.
    /// </summary>
    public PolicyDecision Review(Operation operation, Subject? subject, Subject? oldSubject, IClusterView view)
    {
        if (subject is null || operation is Operation.Delete or Operation.Connect || IsExcluded(subject))
        {
            return PolicyDecision.Allow;
        }

        List<Finding>? denials = null;
        List<Finding>? warnings = null;

        // What a controller wrote (a ReplicaSet's Pod, an auto-registered WorkloadEntry) nobody can fix by
        // being told: denying it would stall a rollout, a scale-up or a node drain (spec section 2).
        var mayDeny = options.Enforcement == EnforcementMode.Deny && !IsControllerMade(subject);
        Evaluate(
            subject,
            operation == Operation.Update ? oldSubject : null,
            view,
            changed =>
            {
                // Where this group's findings will land: a deny stays one on CREATE, and on UPDATE when the
                // endpoints changed; everything else is a warning.
                var warningsFull = warnings?.Count >= AnswerBounds.MaxWarningsShown;
                var staysDeny = mayDeny && (operation != Operation.Update || changed);
                return (staysDeny ? denials?.Count >= AnswerBounds.MaxDenialsShown : warningsFull, warningsFull);
            },
            (finding, endpointsChanged) =>
            {
                var deny = finding.Verdict == Verdict.Deny
                           && mayDeny
                           && (operation != Operation.Update || (endpointsChanged ?? ChangeDetector.Changed(finding, subject, oldSubject)));
                if (deny)
                {
                    (denials ??= []).Add(finding);
                }
                else
                {
                    (warnings ??= []).Add(finding.AsWarning());
                }
            });

        return denials is null && warnings is null ? PolicyDecision.Allow : new PolicyDecision(denials ?? [], warnings ?? []);
    }

    private static bool IsControllerMade(Subject subject) => subject is EnrollingSubject { MadeByController: true };

    /// <summary>
    /// The <c>istio.io/waypoint-for</c> value to add to a waypoint Gateway that has none, or null. A Gateway
    /// whose GatewayClass carries the label inherits it: stamping <c>service</c> would override the class. Null
    /// always when the mutation is switched off (<see cref="PolicyOptions.MutationEnabled"/>).
    /// </summary>
    public string? DefaultTrafficType(Operation operation, GatewaySubject subject, IClusterView view)
    {
        var gateway = subject.Gateway;
        if (!options.MutationEnabled
            || operation is not (Operation.Create or Operation.Update)
            || IsExcluded(subject)
            || gateway.WaypointFor is not null
            || !new WaypointClasses(options.WaypointControllers, options.WaypointClassNames, view).IsWaypointClass(gateway.ClassName)
            || view.GetGatewayClass(gateway.ClassName)?.WaypointFor is not null)
        {
            return null;
        }

        return TrafficTypes.Service;
    }

    /// <summary>
    /// Runs the rules and hands every finding to <paramref name="collect"/>, with, for a finding about a
    /// group of ServiceEntry endpoints, whether those endpoints' waypoint labels changed against
    /// <paramref name="old"/> (null: ask the <see cref="ChangeDetector"/>). While
    /// <paramref name="suppressMessages"/> says so, findings come without messages.
    /// </summary>
    /// <param name="suppressMessages">For a group of endpoints, given whether they changed: whether its deny and its warn findings need no message.</param>
    private void Evaluate(Subject subject, Subject? old, IClusterView view, Func<bool, (bool Deny, bool Warn)>? suppressMessages, Action<Finding, bool?> collect)
    {
        var classes = new WaypointClasses(options.WaypointControllers, options.WaypointClassNames, view);
        switch (subject)
        {
            case EnrollingSubject enrolling when !Exemptions.IsExempt(enrolling, view):
                List<Enrollment>? endpoints = null;
                foreach (var enrollment in enrolling.Enrollments)
                {
                    if (!enrollment.IsObjectLevel)
                    {
                        if (!Exemptions.IsExemptEndpoint(enrolling, enrollment, view))
                        {
                            (endpoints ??= []).Add(enrollment);
                        }

                        continue;
                    }

                    Collect(EnrollmentRules, EnrollmentCheck.Create(enrolling, enrollment, options, view, classes, old as EnrollingSubject), null, collect, null);
                }

                if (endpoints is not null)
                {
                    foreach (var group in EndpointGroups.Group(endpoints, old as EnrollingSubject))
                    {
                        Collect(EnrollmentRules, EnrollmentCheck.Create(enrolling, group.Enrollment, options, view, classes), suppressMessages?.Invoke(group.Changed), collect, group.Changed);
                    }
                }

                break;
            case GatewaySubject gateway:
                Collect(GatewayRules, new GatewayCheck(gateway.Gateway, classes), null, collect, null);
                break;
            case GatewayClassSubject gatewayClass:
                Collect(GatewayClassRules, new GatewayClassCheck(gatewayClass.GatewayClass, options), null, collect, null);
                break;
        }
    }

    /// <param name="suppress">Whether deny and warn findings need no message; null: they all do (object-level checks are few).</param>
    private static void Collect<T>(FluentValidation.AbstractValidator<T> rules, T check, (bool Deny, bool Warn)? suppress, Action<Finding, bool?> collect, bool? changed)
    {
        FluentValidation.Results.ValidationResult result;
        if (suppress is { } which && (which.Deny || which.Warn))
        {
            using (FindingRuleExtensions.SuppressMessages(which.Deny, which.Warn))
            {
                result = rules.Validate(check);
            }
        }
        else
        {
            result = rules.Validate(check);
        }

        foreach (var failure in result.Errors)
        {
            collect(failure.ToFinding(), changed);
        }
    }
}
