namespace WaypointWebhook.Objects;

/// <summary>How the webhook reads an object of a kind: where its waypoint labels live.</summary>
public enum KindShape
{
    Namespace,
    Service,
    ServiceEntry,
    Pod,
    WorkloadEntry,

    /// <summary><c>spec.template.metadata.labels</c>.</summary>
    PodTemplate,

    /// <summary><c>spec.jobTemplate.spec.template.metadata.labels</c>.</summary>
    CronJobTemplate,
    Gateway,
    GatewayClass,
}

/// <summary>
/// The kinds the webhook evaluates, by API group and kind; every other kind is allowed unevaluated.
/// This table is the one source of truth: the webhook configurations in deploy/ are checked against it.
/// </summary>
public static class HandledKinds
{
    public const string IstioNetworking = "networking.istio.io";
    public const string GatewayApi = "gateway.networking.k8s.io";

    public static readonly IReadOnlyList<HandledKind> All =
    [
        new("", "v1", "Namespace", "namespaces", KindShape.Namespace),
        new("", "v1", "Service", "services", KindShape.Service),
        new("", "v1", "Pod", "pods", KindShape.Pod),
        new("", "v1", "ReplicationController", "replicationcontrollers", KindShape.PodTemplate),
        new("apps", "v1", "Deployment", "deployments", KindShape.PodTemplate),
        new("apps", "v1", "StatefulSet", "statefulsets", KindShape.PodTemplate),
        new("apps", "v1", "DaemonSet", "daemonsets", KindShape.PodTemplate),
        new("apps", "v1", "ReplicaSet", "replicasets", KindShape.PodTemplate),
        new("batch", "v1", "Job", "jobs", KindShape.PodTemplate),
        new("batch", "v1", "CronJob", "cronjobs", KindShape.CronJobTemplate),
        new(IstioNetworking, "v1", "ServiceEntry", "serviceentries", KindShape.ServiceEntry),
        new(IstioNetworking, "v1", "WorkloadEntry", "workloadentries", KindShape.WorkloadEntry),
        new(GatewayApi, "v1", "Gateway", "gateways", KindShape.Gateway),
        new(GatewayApi, "v1", "GatewayClass", "gatewayclasses", KindShape.GatewayClass),
    ];

    public static HandledKind Namespace => All[0];

    public static HandledKind Gateway => ByGroupKind[(GatewayApi, "Gateway")];

    public static HandledKind GatewayClass => ByGroupKind[(GatewayApi, "GatewayClass")];

    private static readonly Dictionary<(string Group, string Kind), HandledKind> ByGroupKind =
        All.ToDictionary(k => (k.Group, k.Kind));

    /// <summary>The handled kind for a group and kind, whatever the version (Istio serves v1, v1beta1, v1alpha3).</summary>
    public static HandledKind? Find(string? group, string? kind) =>
        kind is not null && ByGroupKind.TryGetValue((group ?? string.Empty, kind), out var handled) ? handled : null;

    /// <summary>The handled kind for a manifest's <c>apiVersion</c> (<c>group/version</c> or <c>v1</c>) and kind.</summary>
    public static HandledKind? FindByApiVersion(string? apiVersion, string? kind)
    {
        var slash = apiVersion?.IndexOf('/') ?? -1;
        return Find(slash < 0 ? string.Empty : apiVersion![..slash], kind);
    }
}

/// <param name="Version">The preferred version, used where a resource must be named (deploy rules, list calls).</param>
public sealed record HandledKind(string Group, string Version, string Kind, string Resource, KindShape Shape)
{
    public bool IsNamespaced => Shape is not (KindShape.Namespace or KindShape.GatewayClass);
}
