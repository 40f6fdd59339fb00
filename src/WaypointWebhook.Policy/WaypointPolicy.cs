using WaypointWebhook.Policy.Checks;
using WaypointWebhook.Policy.Model;
using WaypointWebhook.Policy.Resolution;
using WaypointWebhook.Policy.Rules;

namespace WaypointWebhook.Policy;

public enum Operation
{
    Create,
    Update,
    Delete,
    Connect,
}

/// <summary>The policy's answer to one admission: the findings that deny and those that only warn.</summary>
public sealed record PolicyDecision(IReadOnlyList<Finding> Denials, IReadOnlyList<Finding> Warnings)
{
    public static readonly PolicyDecision Allow = new([], []);

    public bool Allowed => Denials.Count == 0;
}

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
        var ns = subject is EnrollingSubject { Kind: SubjectKind.Namespace } ? subject.Object.Name : subject.Object.Namespace;
        return ns is not null && options.ExcludedNamespaces.Contains(ns);
    }

    /// <summary>Every finding for <paramref name="subject"/>, with the verdicts of a CREATE in Deny mode.</summary>
    public IReadOnlyList<Finding> Evaluate(Subject subject, IClusterView view)
    {
        var classes = new WaypointClasses(options, view);
        var findings = new List<Finding>();
        switch (subject)
        {
            case EnrollingSubject enrolling when !Exemptions.IsExempt(enrolling, view, classes):
                foreach (var enrollment in enrolling.Enrollments)
                {
                    Collect(EnrollmentRules.Validate(EnrollmentCheck.Create(enrolling, enrollment, options, view, classes)), findings);
                }

                break;
            case GatewaySubject gateway:
                Collect(GatewayRules.Validate(new GatewayCheck(gateway.Gateway, classes)), findings);
                break;
            case GatewayClassSubject gatewayClass:
                Collect(GatewayClassRules.Validate(new GatewayClassCheck(gatewayClass.GatewayClass)), findings);
                break;
        }

        return findings;
    }

    /// <summary>
    /// The admission verdict: DELETE and CONNECT, unknown kinds (null subject) and excluded namespaces are
    /// allowed unevaluated; on UPDATE a deny stands only when what it is about changed; enforcement mode
    /// Warn turns every deny into a warning.
    /// </summary>
    public PolicyDecision Review(Operation operation, Subject? subject, Subject? oldSubject, IClusterView view)
    {
        if (subject is null || operation is Operation.Delete or Operation.Connect || IsExcluded(subject))
        {
            return PolicyDecision.Allow;
        }

        var findings = Evaluate(subject, view);
        if (findings.Count == 0)
        {
            return PolicyDecision.Allow;
        }

        var denials = new List<Finding>();
        var warnings = new List<Finding>();
        foreach (var finding in findings)
        {
            var deny = finding.Verdict == Verdict.Deny
                       && options.Enforcement == EnforcementMode.Deny
                       && (operation != Operation.Update || ChangeDetector.Changed(finding, subject, oldSubject));
            (deny ? denials : warnings).Add(deny ? finding : finding.AsWarning());
        }

        return new PolicyDecision(denials, warnings);
    }

    /// <summary>
    /// The <c>istio.io/waypoint-for</c> value to add to a waypoint Gateway that has none, or null. A Gateway
    /// whose GatewayClass carries the label inherits it: stamping <c>service</c> would override the class.
    /// </summary>
    public string? DefaultTrafficType(Operation operation, GatewaySubject subject, IClusterView view)
    {
        var gateway = subject.Gateway;
        if (operation is not (Operation.Create or Operation.Update)
            || IsExcluded(subject)
            || gateway.WaypointFor is not null
            || !new WaypointClasses(options, view).IsWaypoint(gateway.ClassName)
            || view.GetGatewayClass(gateway.ClassName)?.WaypointFor is not null)
        {
            return null;
        }

        return TrafficTypes.Service;
    }

    private static void Collect(FluentValidation.Results.ValidationResult result, List<Finding> findings)
    {
        foreach (var failure in result.Errors)
        {
            findings.Add(failure.ToFinding());
        }
    }
}
