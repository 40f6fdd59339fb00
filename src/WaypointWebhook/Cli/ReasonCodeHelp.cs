using WaypointWebhook.Policy.Model;
using WaypointWebhook.Policy.Resolution;

namespace WaypointWebhook.Cli;

/// <summary>What each reason code means, for SARIF's rules (a code-scanning service shows these beside each result).</summary>
/// <param name="Level">The level a finding of this code usually has: error if any rule denies with it.</param>
public sealed record ReasonCodeHelp(string Code, string Level, string Short, string Full)
{
    /// <summary>The README's heading for the code: GitHub anchors a heading by its lowercased text.</summary>
    public string Anchor => Code.ToLowerInvariant();

    /// <summary>Every reason code the policy reports (<see cref="ReasonCodes"/>), in the order of the rules table.</summary>
    public static readonly IReadOnlyList<ReasonCodeHelp> All =
    [
        new(ReasonCodes.InvalidLabelValue, "error",
            "A waypoint label has a value istiod cannot use.",
            "istio.io/use-waypoint is neither \"none\" nor a Gateway name (None, NONE and \"\" are not the opt-out), istio.io/use-waypoint-namespace is not a namespace name, or istio.io/ingress-use-waypoint is not a Go boolean (warning). istiod ignores such a label without telling anyone."),
        new(ReasonCodes.NamespaceWithoutWaypoint, "warning",
            "istio.io/use-waypoint-namespace without istio.io/use-waypoint.",
            "istio.io/use-waypoint-namespace is read only beside istio.io/use-waypoint on the same object; alone it is ignored and the object uses its namespace's waypoint, if any."),
        new(ReasonCodes.IgnoredLabel, "warning",
            "A waypoint label that istiod ignores.",
            "istio.io/use-waypoint-namespace beside istio.io/use-waypoint: none, which opts out of every waypoint: the namespace label has no effect."),
        new(ReasonCodes.WaypointIsNotReady, "warning",
            "The waypoint does not exist yet or is not programmed.",
            "The Gateway the reference names is not found (it may be applied later), or has no status.addresses yet; until it is ready the traffic goes without the waypoint. Denied when Webhook:MissingWaypointVerdict is Deny."),
        new(ReasonCodes.NotAWaypoint, "error",
            "The referenced Gateway is not a waypoint.",
            "The Gateway exists but its class is not a waypoint class (its GatewayClass's controller is not a waypoint controller), so istiod never binds anything to it as a waypoint."),
        new(ReasonCodes.UnsupportedTrafficType, "error",
            "The waypoint does not accept the traffic this object sends.",
            "The waypoint's istio.io/waypoint-for does not accept what the object needs: a Pod or WorkloadEntry needs workload traffic (a waypoint handles only service traffic by default), a Service or ServiceEntry service traffic. A Namespace's waypoint that accepts nothing is denied, one that accepts only workloads warns."),
        new(ReasonCodes.AttachmentDenied, "error",
            "The waypoint's allowedRoutes do not admit this namespace.",
            "The allowedRoutes.namespaces of the waypoint's HBONE listener do not admit the namespace of the object that references it (from: Same is the default, also within one namespace), so istiod refuses the binding."),
        new(ReasonCodes.NotInAmbient, "warning",
            "A waypoint is named outside ambient mode.",
            "A Namespace, Pod or pod template names a waypoint while neither it nor its namespace has istio.io/dataplane-mode=ambient: without ambient mode no waypoint is used."),
        new(ReasonCodes.InvalidTrafficType, "error",
            "istio.io/waypoint-for has an unknown value.",
            "A Gateway's or GatewayClass's istio.io/waypoint-for is not one of service, workload, all, none (case matters)."),
        new(ReasonCodes.InvalidAllowedRoutes, "error",
            "A waypoint's allowedRoutes selector is missing or invalid.",
            "The waypoint's attachment listener has allowedRoutes.namespaces.from: Selector without a selector (which admits no namespace, not even its own), or with an invalid one (an unknown operator, In/NotIn without values, Exists/DoesNotExist with values, keys or values that are not label syntax)."),
        new(ReasonCodes.UnexpectedListener, "warning",
            "A waypoint without exactly one HBONE listener on port 15008.",
            "A Gateway of an Istio waypoint controller should have exactly one listener, on port 15008 with protocol HBONE; istiod may pick another listener or none."),
        new(ReasonCodes.WaypointMissing, "warning",
            "A ServiceEntry that needs a waypoint is bound to none.",
            "A ServiceEntry with a wildcard host, or with istio.io/connect-strategy RACE_FIRST_TCP_CONNECT, is bound to no waypoint (its own or its namespace's); istiod writes istio.io/WaypointMissing and the ServiceEntry does not apply to ambient clients."),
        new(ReasonCodes.CrossNamespaceWaypointForbidden, "error",
            "A ServiceEntry with NAMESPACE visibility names a waypoint in another namespace.",
            "Under meshConfig serviceEntryVisibility NAMESPACE (mirrored in Webhook:ServiceEntryVisibility), istiod refuses a ServiceEntry's waypoint in another namespace and writes WaypointBound=False."),
    ];

    private static readonly Dictionary<string, ReasonCodeHelp> ByCode = All.ToDictionary(h => h.Code, StringComparer.Ordinal);

    /// <summary>The help of a code; a code without an entry here still gets a rule, named by the code alone.</summary>
    public static ReasonCodeHelp For(string code) => ByCode.GetValueOrDefault(code) ?? new ReasonCodeHelp(code, "error", code, code);

    public static bool IsKnown(string code) => ByCode.ContainsKey(code);
}
