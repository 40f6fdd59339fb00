using WaypointWebhook.Policy.Configuration;
namespace WaypointWebhook.Policy.Configuration;

/// <summary>The settings the policy reads; validated at start-up by the host.</summary>
public sealed record PolicyOptions
{
    public static readonly IReadOnlySet<string> DefaultWaypointControllers =
        new HashSet<string>(StringComparer.Ordinal) { "istio.io/mesh-controller", "istio.io/agentgateway-waypoint-controller" };

    public static readonly IReadOnlySet<string> DefaultWaypointClassNames =
        new HashSet<string>(StringComparer.Ordinal) { "istio-waypoint", "istio-agentgateway-waypoint" };

    public static readonly IReadOnlySet<string> DefaultExcludedNamespaces =
        new HashSet<string>(StringComparer.Ordinal) { "kube-system", "kube-public", "kube-node-lease" };

    /// <summary>The policy's defaults: the one place they are spelled (the host's settings start from these).</summary>
    public static readonly PolicyOptions Defaults = new();

    public EnforcementMode Enforcement { get; init; } = EnforcementMode.Deny;

    /// <summary>The verdict of W5 when the target Gateway does not exist (a Gateway without addresses always warns).</summary>
    public Model.Verdict MissingWaypointVerdict { get; init; } = Model.Verdict.Warn;

    public IReadOnlySet<string> WaypointControllers { get; init; } = DefaultWaypointControllers;

    public IReadOnlySet<string> WaypointClassNames { get; init; } = DefaultWaypointClassNames;

    public IReadOnlySet<string> ExcludedNamespaces { get; init; } = DefaultExcludedNamespaces;

    /// <summary>The mirror of meshConfig <c>serviceEntryVisibility</c>; null (the default): W14 is not checked.</summary>
    public Resolution.ServiceEntryVisibility? ServiceEntryVisibility { get; init; }

    /// <summary>Whether the mutation stamps <c>istio.io/waypoint-for</c> on waypoint Gateways (spec section 6).</summary>
    public bool MutationEnabled { get; init; } = true;

    /// <summary>
    /// Whether consumers a Gateway, GatewayClass or Namespace change unbinds warn (the default) or deny the change
    /// (spec section 7). Enforcement mode Warn still turns the deny into a warning.
    /// </summary>
    public ReverseCheckMode ReverseCheck { get; init; } = ReverseCheckMode.Warn;
}
