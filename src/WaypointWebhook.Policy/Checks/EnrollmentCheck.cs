using WaypointWebhook.Policy.Configuration;
using WaypointWebhook.Policy.Messages;
using WaypointWebhook.Policy.Model;
using WaypointWebhook.Policy.Resolution;
using WaypointWebhook.Policy.Rules;
using WaypointWebhook.Policy.Syntax;

namespace WaypointWebhook.Policy.Checks;

/// <summary>
/// One enrollment with its reference resolved against the cluster view: everything the enrollment
/// rules (W1..W11) read, computed once, so each rule is a predicate and a message.
/// </summary>
public sealed class EnrollmentCheck
{
    private EnrollmentCheck(EnrollingSubject subject, Enrollment enrollment, PolicyOptions options)
    {
        Subject = subject;
        Enrollment = enrollment;
        Options = options;
        UseWaypoint = enrollment.Labels.Get(WaypointLabels.UseWaypoint);
        UseWaypointNamespace = enrollment.Labels.Get(WaypointLabels.UseWaypointNamespace);
        HasUseWaypointNamespace = enrollment.Labels.Has(WaypointLabels.UseWaypointNamespace);
        ConsumerNamespace = subject.ConsumerNamespace ?? string.Empty;
    }

    public EnrollingSubject Subject { get; private set; }

    public Enrollment Enrollment { get; }

    public PolicyOptions Options { get; }

    /// <summary>The <c>istio.io/use-waypoint</c> value, null when the label is absent.</summary>
    public string? UseWaypoint { get; }

    public string? UseWaypointNamespace { get; }

    public bool HasUseWaypointNamespace { get; }

    public bool IsOptOut => UseWaypoint == WaypointLabels.OptOut;

    /// <summary>Whether the object names a waypoint of its own (not <c>none</c>), valid or not.</summary>
    public bool NamesWaypoint => UseWaypoint is not null && !IsOptOut;

    public bool IsNameValid => KubernetesNames.IsDns1123Subdomain(UseWaypoint, KubernetesNames.MaxLabelLength);

    public bool IsNamespaceValid => KubernetesNames.IsDns1123Label(UseWaypointNamespace);

    /// <summary>The namespace whose allowedRoutes admission is judged: the subject's own, or the Namespace itself.</summary>
    public string ConsumerNamespace { get; }

    /// <summary>Set when the reference is syntactically valid and was looked up.</summary>
    public ResolvedWaypoint? Target { get; private set; }

    /// <summary>The target when it is a waypoint: what the traffic-type, attachment and readiness rules judge.</summary>
    public WaypointGateway? Waypoint => Target as WaypointGateway;

    /// <summary>The target Gateway is missing from the view, and the API server could not confirm that it is missing.</summary>
    public bool TargetUnconfirmed { get; private set; }

    /// <summary>The consumer namespace's labels are a guess (its name only): neither the view nor the API server knew it.</summary>
    public bool ConsumerNamespaceUnconfirmed { get; private set; }

    /// <summary>Whether the object (or, for a Pod or pod template, its namespace) is in ambient mode (W11).</summary>
    public bool InAmbient { get; private set; }

    public string UseWaypointField => Enrollment.Labels.FieldFor(WaypointLabels.UseWaypoint);

    /// <summary>How messages quote the reference: <c>istio.io/use-waypoint=egress (istio.io/use-waypoint-namespace=infra)</c>.</summary>
    public string Reference => HasUseWaypointNamespace
        ? $"{WaypointLabels.UseWaypoint}={Text.Quote(UseWaypoint)} ({WaypointLabels.UseWaypointNamespace}={Text.Quote(UseWaypointNamespace)})"
        : $"{WaypointLabels.UseWaypoint}={Text.Quote(UseWaypoint)}";

    /// <summary>How messages name the object, with the ServiceEntry endpoint when it is one.</summary>
    public string Who => Enrollment.IsObjectLevel ? Subject.Object.ToString() : $"{Subject.Object} {Enrollment.Labels.Field}";

    /// <summary>
    /// This check for another consumer of the same equivalence class (the same kind, namespace, read labels and
    /// annotations; only the name differs): what <see cref="Create"/> would compute for it, without resolving again.
    /// </summary>
    internal EnrollmentCheck For(EnrollingSubject member)
    {
        if (ReferenceEquals(member, Subject))
        {
            return this;
        }

        var check = (EnrollmentCheck)MemberwiseClone();
        check.Subject = member;
        check.Canary = Canary?.For(member);
        return check;
    }

    /// <summary>
    /// A message about the waypoint the check resolved to. The rule's condition already holds only for a
    /// waypoint; this states it in the type instead of asserting it at each use.
    /// </summary>
    public static Func<EnrollmentCheck, string> AboutWaypoint(Func<EnrollmentCheck, WaypointGateway, string> message) =>
        c => c.Waypoint is { } waypoint ? message(c, waypoint) : string.Empty;

    /// <summary>
    /// A Namespace's own label change (not its waypoint labels) broke the attachment: its W8 is on a
    /// <c>Selector</c> listener that admitted the old labels and refuses the new ones (spec section 5).
    /// </summary>
    public bool LabelChangeBrokeAttachment { get; private set; }

    /// <summary>The consumer namespace's labels, as the attachment selector and the visibility policies read them.</summary>
    public IReadOnlyDictionary<string, string> ConsumerLabels { get; private set; } = new Dictionary<string, string>();

    /// <summary>The ServiceEntry visibility of the consumer namespace, null when no mirror of meshConfig is configured.</summary>
    public string? Visibility { get; private set; }

    /// <summary>For a ServiceEntry or Namespace: the configured visibility is NAMESPACE (W14).</summary>
    public bool NamespaceVisibility => Visibility == ServiceEntryVisibility.Namespace;

    /// <summary>Why istiod would not bind the object's own reference for service traffic (null: it binds, or there is none).</summary>
    public BindingFailure? OwnServiceFailure { get; private set; }

    /// <summary>For a Service or ServiceEntry without its own <c>istio.io/use-waypoint</c>: the namespace's waypoint it inherits.</summary>
    public InheritedReference? Inherited { get; private set; }

    /// <summary>For a Service, ServiceEntry or Namespace: its canary waypoint, own or inherited.</summary>
    public CanaryCheck? Canary { get; private set; }

    /// <summary>Whether istiod binds the object to a waypoint for service traffic at all, its own or its namespace's (W13).</summary>
    public bool BindsForService { get; private set; }

    /// <summary>Services and ServiceEntries: the kinds istiod binds for service traffic, inherits for, and gives canaries.</summary>
    public bool IsService => Enrollment.IsObjectLevel && Subject.Kind is SubjectKind.Service or SubjectKind.ServiceEntry;

    /// <param name="previous">The old object on UPDATE: a Namespace's old labels tell whether its label change broke the attachment.</param>
    public static EnrollmentCheck Create(
        EnrollingSubject subject,
        Enrollment enrollment,
        PolicyOptions options,
        IClusterView view,
        WaypointClasses classes,
        EnrollingSubject? previous = null)
    {
        var check = new EnrollmentCheck(subject, enrollment, options);
        var consumerLabels = check.ReadConsumerLabels(view);
        check.ConsumerLabels = consumerLabels;
        check.InAmbient = IsAmbient(subject, enrollment, consumerLabels);

        check.ConsumerNamespaceUnconfirmed = subject.Kind != SubjectKind.Namespace && view.IsUnconfirmedNamespace(check.ConsumerNamespace);
        if (WaypointReference.TargetOf(enrollment.Labels, check.ConsumerNamespace) is { } target)
        {
            check.Target = ResolvedWaypoint.Resolve(target, check.ConsumerNamespace, consumerLabels, view, classes);
            check.TargetUnconfirmed = check.Target is MissingGateway && view.IsUnconfirmedGateway(target);
            check.LabelChangeBrokeAttachment = subject.Kind == SubjectKind.Namespace
                                               && previous is not null
                                               && check.Waypoint is { AttachmentAllowed: false } waypoint
                                               && Attachment.FromOf(waypoint.AttachmentListener) == Attachment.FromSelector
                                               && Attachment.Allows(waypoint.Gateway, waypoint.AttachmentListener, check.ConsumerNamespace, NamespaceLabels.WithName(previous.Labels.ToDictionary(), check.ConsumerNamespace));
        }

        if (enrollment.IsObjectLevel && subject.Kind is SubjectKind.Service or SubjectKind.ServiceEntry or SubjectKind.Namespace)
        {
            check.ResolveServiceBinding(view, classes);
        }

        return check;
    }

    /// <summary>
    /// What a Service, ServiceEntry or Namespace binds for service traffic: its own reference, else (not for a
    /// Namespace) its namespace's; then its canary, which istiod looks at only when that primary binds.
    /// </summary>
    private void ResolveServiceBinding(IClusterView view, WaypointClasses classes)
    {
        var isEntry = Subject.Kind == SubjectKind.ServiceEntry;
        if (Options.ServiceEntryVisibility is { } visibility && Subject.Kind is SubjectKind.ServiceEntry or SubjectKind.Namespace)
        {
            Visibility = visibility.For(ConsumerLabels);
        }

        if (Target is { } own)
        {
            OwnServiceFailure = ServiceBinding.FailureOf(own, ConsumerNamespace, isEntry && NamespaceVisibility);
        }

        var namespaceInfo = Subject.Kind == SubjectKind.Namespace ? null : view.GetNamespace(ConsumerNamespace);
        bool hasPrimary;
        ObjectKey? primary;
        bool primaryBinds;
        if (UseWaypoint is null && Subject.Kind != SubjectKind.Namespace)
        {
            Inherited = InheritedReference.Of(ConsumerNamespace, namespaceInfo, view, classes, isEntry ? Visibility : null);
            hasPrimary = Inherited is not null;
            primary = Inherited?.Target;
            primaryBinds = Inherited?.Binds == true;
        }
        else
        {
            hasPrimary = NamesWaypoint;
            primary = Target?.Key;
            primaryBinds = Target is WaypointGateway && OwnServiceFailure is null;
        }

        BindsForService = primaryBinds;
        Canary = CanaryCheck.Create(Subject, Enrollment.Labels, ConsumerNamespace, namespaceInfo, hasPrimary, primary, primaryBinds, ConsumerLabels, view, classes);
    }

    /// <summary>
    /// The consumer namespace's labels, always with <c>kubernetes.io/metadata.name</c> (the API server sets it
    /// on every namespace). A Namespace under admission uses its own new labels.
    /// </summary>
    private IReadOnlyDictionary<string, string> ReadConsumerLabels(IClusterView view)
    {
        var labels = Subject.Kind == SubjectKind.Namespace
            ? Enrollment.Labels.ToDictionary()
            : view.GetNamespace(ConsumerNamespace)?.Labels;
        return NamespaceLabels.WithName(labels, ConsumerNamespace);
    }

    /// <summary>
    /// istiod's ambient enablement: a Pod labelled <c>istio.io/dataplane-mode=none</c> is out even in an
    /// ambient namespace; one labelled <c>ambient</c> is in; otherwise the namespace's label decides.
    /// </summary>
    private static bool IsAmbient(EnrollingSubject subject, Enrollment enrollment, IReadOnlyDictionary<string, string> namespaceLabels)
    {
        var own = enrollment.Labels.Get(WaypointLabels.DataplaneMode);
        if (subject.Kind == SubjectKind.Namespace || own == WaypointLabels.Ambient || own == WaypointLabels.OptOut)
        {
            return own == WaypointLabels.Ambient;
        }

        return namespaceLabels.GetValueOrDefault(WaypointLabels.DataplaneMode) == WaypointLabels.Ambient;
    }
}
