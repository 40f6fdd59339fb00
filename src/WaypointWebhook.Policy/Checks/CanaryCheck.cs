using WaypointWebhook.Policy.Messages;
using WaypointWebhook.Policy.Model;
using WaypointWebhook.Policy.Resolution;
using WaypointWebhook.Policy.Rules;
using WaypointWebhook.Policy.Syntax;

namespace WaypointWebhook.Policy.Checks;

/// <summary>
/// The canary waypoint of a Service, ServiceEntry or Namespace, read as istiod reads it
/// (<c>getUseWaypointCanary</c>, <c>getCanaryWeight</c>, <c>buildWeightedWaypoints</c>, <c>resolveCanaryWaypoint</c>):
/// everything the canary rules (C1..C4) read, computed once.
/// </summary>
public sealed class CanaryCheck
{
    private CanaryCheck()
    {
    }

    /// <summary>The canary comes from the namespace's labels (the subject has no UWC and no UW of its own): its findings only warn.</summary>
    public bool Inherited { get; private init; }

    /// <summary>The UWC value in effect, null when the key is absent where it is read.</summary>
    public string? Value { get; private init; }

    /// <summary>A canary is asked for: UWC present and neither <c>""</c> nor <c>none</c>.</summary>
    public bool Active => Value is { Length: > 0 } and not WaypointLabels.OptOut;

    public bool HasNamespaceKey { get; private init; }

    public string? NamespaceValue { get; private init; }

    public bool IsNameValid => KubernetesNames.IsDns1123Subdomain(Value, KubernetesNames.MaxLabelLength);

    public bool IsNamespaceValid => !HasNamespaceKey || KubernetesNames.IsDns1123Label(NamespaceValue);

    /// <summary>The weight annotation in effect (the subject's, else, without an own UW, the namespace's), null when absent (0).</summary>
    public string? Weight { get; private init; }

    public bool WeightInherited { get; private init; }

    public bool IsWeightValid => Weight is null || (GoInt.TryAtoi(Weight, out var weight) && weight is >= 0 and <= 100);

    /// <summary>The subject's own weight annotation, whatever canary is in effect (C2: a weight with no canary).</summary>
    public bool HasOwnWeight { get; private init; }

    /// <summary>Whether there is a primary reference at all, valid or not (a UW of its own that is not <c>none</c>, or one inherited).</summary>
    public bool HasPrimary { get; private init; }

    /// <summary>The primary waypoint the canary shares with, when its reference is valid.</summary>
    public ObjectKey? Primary { get; private init; }

    /// <summary>The primary binds without a finding: only then does istiod look at the canary.</summary>
    public bool PrimaryBinds { get; private init; }

    /// <summary>The canary Gateway: <c>(UWCN, else the subject's namespace)/UWC</c>, when its labels are valid names.</summary>
    public ObjectKey? Target { get; private set; }

    public bool SameAsPrimary => Target is { } target && Primary is { } primary && target == primary;

    /// <summary>Why istiod would not attach the canary, when it was looked up.</summary>
    public BindingFailure? Failure { get; private set; }

    /// <summary>The label set the canary was read from: the subject's field, or the namespace's.</summary>
    public string Source { get; private set; } = string.Empty;

    /// <summary>How messages quote the canary: <c>istio.io/use-waypoint-canary=v2 (istio.io/use-waypoint-canary-namespace=infra)</c>.</summary>
    public string Reference => HasNamespaceKey
        ? $"{WaypointLabels.UseWaypointCanary}={Text.Quote(Value)} ({WaypointLabels.UseWaypointCanaryNamespace}={Text.Quote(NamespaceValue)})"
        : $"{WaypointLabels.UseWaypointCanary}={Text.Quote(Value)}";

    /// <summary>This canary for another consumer of the same class: an own canary's source names the consumer.</summary>
    internal CanaryCheck For(EnrollingSubject member)
    {
        if (Inherited)
        {
            return this;
        }

        var canary = (CanaryCheck)MemberwiseClone();
        canary.Source = member.Object.ToString();
        return canary;
    }

    /// <param name="hasPrimary">Whether the subject has a primary reference, valid or not.</param>
    /// <param name="primaryBinds">Whether the subject's primary (own or inherited) binds without a finding.</param>
    public static CanaryCheck Create(
        EnrollingSubject subject,
        EnrollmentLabels own,
        string subjectNamespace,
        NamespaceInfo? namespaceInfo,
        bool hasPrimary,
        ObjectKey? primary,
        bool primaryBinds,
        IReadOnlyDictionary<string, string> consumerLabels,
        IClusterView view,
        WaypointClasses classes)
    {
        var hasOwnPrimary = own.Has(WaypointLabels.UseWaypoint);

        // The namespace is an inheritance source only for a Service or ServiceEntry without an own UW.
        var fromNamespace = subject.Kind != SubjectKind.Namespace
                            && !own.Has(WaypointLabels.UseWaypointCanary)
                            && !hasOwnPrimary
                            && namespaceInfo?.Labels.ContainsKey(WaypointLabels.UseWaypointCanary) == true;
        var labels = fromNamespace ? new EnrollmentLabels(namespaceInfo!.Labels, "metadata.labels") : own;

        var ownWeight = subject.Annotation(WaypointLabels.CanaryWeightAnnotation);
        var weightInherited = ownWeight is null && !hasOwnPrimary && subject.Kind != SubjectKind.Namespace
                              && namespaceInfo?.Annotations?.ContainsKey(WaypointLabels.CanaryWeightAnnotation) == true;

        var check = new CanaryCheck
        {
            Inherited = fromNamespace,
            Value = labels.Get(WaypointLabels.UseWaypointCanary),
            HasNamespaceKey = labels.Has(WaypointLabels.UseWaypointCanaryNamespace),
            NamespaceValue = labels.Get(WaypointLabels.UseWaypointCanaryNamespace),
            Weight = weightInherited ? namespaceInfo!.Annotations![WaypointLabels.CanaryWeightAnnotation] : ownWeight,
            WeightInherited = weightInherited,
            HasOwnWeight = ownWeight is not null,
            HasPrimary = hasPrimary,
            Primary = primary,
            PrimaryBinds = primaryBinds,
            Source = fromNamespace ? $"Namespace {Text.Name(subjectNamespace)}" : subject.Object.ToString(),
        };

        if (!check.Active || !check.IsNameValid || !check.IsNamespaceValid)
        {
            return check;
        }

        check.Target = new ObjectKey(check.HasNamespaceKey ? check.NamespaceValue! : subjectNamespace, check.Value!);

        // istiod looks the canary up only after the primary bound, the canary differs from it and the weight
        // parsed; it checks existence, attachment and service traffic, never the ServiceEntry visibility
        // guard (decision D8).
        if (check.PrimaryBinds && !check.SameAsPrimary && check.IsWeightValid)
        {
            var resolved = ResolvedWaypoint.Resolve(check.Target.Value, subjectNamespace, consumerLabels, view, classes);
            check.Failure = ServiceBinding.FailureOf(resolved, subjectNamespace, crossNamespaceForbidden: false);
        }

        return check;
    }
}
