using WaypointWebhook.Policy.Checks;
using WaypointWebhook.Policy.Configuration;
using WaypointWebhook.Policy.Findings;
using WaypointWebhook.Policy.Model;
using WaypointWebhook.Policy.Resolution;
using WaypointWebhook.Policy.Rules;

namespace WaypointWebhook.Policy;

/// <summary>
/// The waypoint policy: pure, no I/O, no clock. <see cref="Evaluate"/> applies every rule as on CREATE;
/// <see cref="Review"/> adds the operation, exclusion and enforcement semantics of the admission webhook and the
/// reverse check of a changed Gateway, GatewayClass or Namespace; <see cref="Audit"/> lists the consumers that are
/// not bound (spec section 7).
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
        Evaluate(subject, null, view, suppressMessages: null, outcome => findings.Add(controllerMade ? outcome.Finding.AsWarning() : outcome.Finding));
        return findings;
    }

    /// <summary>
    /// The admission verdict: CONNECT, unknown kinds (null subject and old subject) and excluded namespaces are
    /// allowed unevaluated; on UPDATE a deny stands only when what it is about changed; enforcement mode
    /// Warn turns every deny into a warning. Findings beyond what an answer shows
    /// (<see cref="AnswerBounds"/>) are counted with their reason and field but get no message.
    /// On UPDATE of a Gateway, a GatewayClass or a Namespace, the reverse check's findings follow the forward
    /// rules' (spec section 7); on DELETE the handler passes <paramref name="subject"/> null and the deleted
    /// Gateway or GatewayClass as <paramref name="oldSubject"/>, and only the reverse check runs. DELETE of
    /// anything else is allowed.
    /// </summary>
    public PolicyDecision Review(Operation operation, Subject? subject, Subject? oldSubject, IClusterView view)
    {
        if (operation == Operation.Delete)
        {
            return ReviewDelete(oldSubject, view);
        }

        if (subject is null || operation == Operation.Connect || IsExcluded(subject))
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
            outcome =>
            {
                var (finding, endpointsChanged, _, _, _) = outcome;
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

        if (operation == Operation.Update && subject is GatewaySubject or GatewayClassSubject or EnrollingSubject { Kind: SubjectKind.Namespace })
        {
            AddReverse(subject, oldSubject, view, ref denials, ref warnings);
        }

        return denials is null && warnings is null ? PolicyDecision.Allow : new PolicyDecision(denials ?? [], warnings ?? []);
    }

    /// <summary>
    /// DELETE: only a Gateway's or GatewayClass's (given as <paramref name="oldSubject"/>, the object deleted) is
    /// evaluated, by the reverse check alone: nothing is left to judge of the object itself.
    /// </summary>
    private PolicyDecision ReviewDelete(Subject? oldSubject, IClusterView view)
    {
        if (oldSubject is not (GatewaySubject or GatewayClassSubject) || IsExcluded(oldSubject))
        {
            return PolicyDecision.Allow;
        }

        List<Finding>? denials = null;
        List<Finding>? warnings = null;
        AddReverse(null, oldSubject, view, ref denials, ref warnings);
        return denials is null && warnings is null ? PolicyDecision.Allow : new PolicyDecision(denials ?? [], warnings ?? []);
    }

    /// <summary>
    /// The reverse check's findings (spec section 7). The change under admission causes them by construction, so
    /// on UPDATE they keep their verdict (no <see cref="ChangeDetector"/>): a deny when <see cref="PolicyOptions.ReverseCheck"/>
    /// says so and the enforcement mode is Deny, else a warning. A Gateway or GatewayClass a controller owns only
    /// warns, as every controller-made object does (spec section 2): a refusal would have its controller retry
    /// forever, and nobody who could fix the consumers reads it.
    /// </summary>
    private void AddReverse(Subject? subject, Subject? oldSubject, IClusterView view, ref List<Finding>? denials, ref List<Finding>? warnings)
    {
        var mayDeny = options.ReverseCheck == ReverseCheckMode.Deny && options.Enforcement == EnforcementMode.Deny
                      && !IsControllerOwned(subject) && !IsControllerOwned(oldSubject);
        var verdict = mayDeny ? Verdict.Deny : Verdict.Warn;
        foreach (var finding in ReverseCheck.Findings(this, subject, oldSubject, view, verdict) ?? [])
        {
            if (finding.Verdict == Verdict.Deny)
            {
                (denials ??= []).Add(finding);
            }
            else
            {
                (warnings ??= []).Add(finding);
            }
        }
    }

    /// <summary>
    /// Every consumer in <c>view.Consumers</c> that istiod does not bind now (<see cref="UnbindingRules"/>), with the
    /// finding that says why, sorted by namespace, name and kind: the one evaluation path of <c>GET /unbound</c>,
    /// the unbound-consumers gauge and <c>analyze</c>. Consumers in excluded namespaces and exempt objects are not
    /// judged. Consumers alike but for their name are judged once (<see cref="ConsumerClassKey"/>); each unbound
    /// one's message is its own finding's, written by the same rule for it.
    /// </summary>
    public IReadOnlyList<UnboundConsumer> Audit(IClusterView view)
    {
        var judge = new ConsumerJudge(this, view);
        var unbound = new List<UnboundConsumer>();
        foreach (var consumer in view.Consumers.All)
        {
            if (consumer.ConsumerNamespace is { } ns && options.ExcludedNamespaces.Contains(ns))
            {
                continue;
            }

            if (judge.ClassOf(consumer).In(0).Unbinding is not { } unbinding)
            {
                continue;
            }

            // The class's verdict is the object's; its message names the object: the rule's own message, written
            // for the object, when it is first read (the gauge reads none of them, a 100,000-line /unbound all).
            unbound.Add(new UnboundConsumer(consumer.Object, consumer.Kind, unbinding.Reason, unbinding.Rule, () => unbinding.MessageFor(consumer)));
        }

        unbound.Sort(static (a, b) =>
        {
            var byNamespace = string.CompareOrdinal(a.Object.Namespace, b.Object.Namespace);
            var byName = byNamespace != 0 ? byNamespace : string.CompareOrdinal(a.Object.Name, b.Object.Name);
            return byName != 0 ? byName : string.CompareOrdinal(a.Object.Kind, b.Object.Kind);
        });
        return unbound;
    }

    /// <summary>
    /// Whether istiod binds <paramref name="consumer"/> in <paramref name="view"/>: exempt, bound, or the first
    /// unbinding finding in istiod's order. The findings are read as the rules give them (a controller-made
    /// object's W6 still says whether the Gateway is certainly no waypoint); without messages unless asked.
    /// </summary>
    internal ConsumerState Judge(EnrollingSubject consumer, IClusterView view, bool withMessages)
    {
        if (Exemptions.IsExempt(consumer, view))
        {
            return ConsumerState.ExemptState;
        }

        Unbinding? first = null;
        void Take(RuleOutcome outcome)
        {
            var finding = outcome.Finding;
            if (UnbindingRules.Unbinds(finding) && (first is null || UnbindingRules.Rank(finding.Rule) < UnbindingRules.Rank(first.Rule)))
            {
                first = new Unbinding(finding, outcome.Enrollment?.Needs ?? TrafficNeed.Service, outcome.Check as EnrollmentCheck, outcome.Compose);
            }
        }

        if (withMessages)
        {
            Evaluate(consumer, null, view, null, Take);
        }
        else
        {
            using (FindingRuleExtensions.SuppressMessages(deny: true, warn: true))
            {
                Evaluate(consumer, null, view, static _ => (true, true), Take);
            }
        }

        return new ConsumerState(false, first);
    }

    private static bool IsControllerMade(Subject subject) => subject is EnrollingSubject { MadeByController: true };

    private static bool IsControllerOwned(Subject? subject) =>
        subject is GatewaySubject { MadeByController: true } or GatewayClassSubject { MadeByController: true };

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
    private void Evaluate(Subject subject, Subject? old, IClusterView view, Func<bool, (bool Deny, bool Warn)>? suppressMessages, Action<RuleOutcome> collect)
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

                    Collect(EnrollmentRules, EnrollmentCheck.Create(enrolling, enrollment, options, view, classes, old as EnrollingSubject), null, collect, null, enrollment);
                }

                if (endpoints is not null)
                {
                    foreach (var group in EndpointGroups.Group(endpoints, old as EnrollingSubject))
                    {
                        Collect(EnrollmentRules, EnrollmentCheck.Create(enrolling, group.Enrollment, options, view, classes), suppressMessages?.Invoke(group.Changed), collect, group.Changed, group.Enrollment);
                    }
                }

                break;
            case GatewaySubject gateway:
                Collect(GatewayRules, new GatewayCheck(gateway.Gateway, classes), null, collect, null, null);
                break;
            case GatewayClassSubject gatewayClass:
                Collect(GatewayClassRules, new GatewayClassCheck(gatewayClass.GatewayClass, options), null, collect, null, null);
                break;
        }
    }

    /// <param name="suppress">Whether deny and warn findings need no message; null: they all do (object-level checks are few).</param>
    /// <param name="enrollment">The enrollment the check judged (null for a Gateway or GatewayClass): the traffic it needs.</param>
    private static void Collect<T>(FluentValidation.AbstractValidator<T> rules, T check, (bool Deny, bool Warn)? suppress, Action<RuleOutcome> collect, bool? changed, Enrollment? enrollment)
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
            collect(new RuleOutcome(failure.ToFinding(), changed, enrollment, check!, ((FindingTag)failure.CustomState).Compose));
        }
    }
}
