using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Objects;

/// <summary>One kind the webhook evaluates: how the API names it, what it is to the rules, and where its waypoint labels live.</summary>
/// <param name="Version">The preferred version, used where a resource must be named (deploy rules, list calls).</param>
/// <param name="LabelsField">The labels map the enrollment reads (a WorkloadEntry also reads <c>spec.labels</c> under it).</param>
public sealed record HandledKind(string Group, string Version, string Kind, string Resource, SubjectKind Subject, string LabelsField = HandledKinds.MetadataLabels)
{
    public bool IsNamespaced => Subject is not (SubjectKind.Namespace or SubjectKind.GatewayClass);

    /// <summary>Gateways, GatewayClasses and Namespaces: what the cluster view holds.</summary>
    public bool IsClusterState => Subject is SubjectKind.Namespace or SubjectKind.Gateway or SubjectKind.GatewayClass;
}
