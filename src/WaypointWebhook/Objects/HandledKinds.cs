using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Objects;

/// <summary>
/// The kinds the webhook evaluates, by API group and kind; every other kind is allowed unevaluated.
/// This table is the one source of truth: the webhook configurations and RBAC in deploy/, the live view's
/// resources and analyze's lists are all checked against it or read from it.
/// </summary>
public static class HandledKinds
{
    public const string IstioNetworking = "networking.istio.io";
    public const string GatewayApi = "gateway.networking.k8s.io";

    public const string MetadataLabels = "metadata.labels";
    public const string TemplateLabels = "spec.template.metadata.labels";
    public const string CronJobTemplateLabels = "spec.jobTemplate.spec.template.metadata.labels";
    public const string WorkloadGroupLabels = "spec.metadata.labels";
    public const string WorkloadGroupTemplateLabels = "spec.template.labels";

    public static readonly IReadOnlyList<HandledKind> All =
    [
        new("", "v1", "Namespace", "namespaces", SubjectKind.Namespace),
        new("", "v1", "Service", "services", SubjectKind.Service),
        new("", "v1", "Pod", "pods", SubjectKind.Pod),
        new("", "v1", "ReplicationController", "replicationcontrollers", SubjectKind.PodTemplate, TemplateLabels),
        new("apps", "v1", "Deployment", "deployments", SubjectKind.PodTemplate, TemplateLabels),
        new("apps", "v1", "StatefulSet", "statefulsets", SubjectKind.PodTemplate, TemplateLabels),
        new("apps", "v1", "DaemonSet", "daemonsets", SubjectKind.PodTemplate, TemplateLabels),
        new("apps", "v1", "ReplicaSet", "replicasets", SubjectKind.PodTemplate, TemplateLabels),
        new("batch", "v1", "Job", "jobs", SubjectKind.PodTemplate, TemplateLabels),
        new("batch", "v1", "CronJob", "cronjobs", SubjectKind.PodTemplate, CronJobTemplateLabels),
        new(IstioNetworking, "v1", "ServiceEntry", "serviceentries", SubjectKind.ServiceEntry),
        new(IstioNetworking, "v1", "WorkloadEntry", "workloadentries", SubjectKind.WorkloadEntry),
        new(IstioNetworking, "v1", "WorkloadGroup", "workloadgroups", SubjectKind.WorkloadGroup, WorkloadGroupLabels),
        new(GatewayApi, "v1", "Gateway", "gateways", SubjectKind.Gateway),
        new(GatewayApi, "v1", "GatewayClass", "gatewayclasses", SubjectKind.GatewayClass),
    ];

    private static readonly Dictionary<(string Group, string Kind), HandledKind> ByGroupKind =
        All.ToDictionary(k => (k.Group, k.Kind));

    public static HandledKind Namespace { get; } = ByGroupKind[(string.Empty, "Namespace")];

    public static HandledKind Gateway { get; } = ByGroupKind[(GatewayApi, "Gateway")];

    public static HandledKind GatewayClass { get; } = ByGroupKind[(GatewayApi, "GatewayClass")];

    /// <summary>The handled kind for a group and kind, whatever the version (Istio serves v1, v1beta1, v1alpha3).</summary>
    public static HandledKind? Find(string? group, string? kind) =>
        kind is not null && ByGroupKind.TryGetValue((group ?? string.Empty, kind), out var handled) ? handled : null;

    /// <summary>The handled kind for a manifest's <c>apiVersion</c> (<c>group/version</c> or <c>v1</c>) and kind.</summary>
    public static HandledKind? FindByApiVersion(string? apiVersion, string? kind)
    {
        var slash = apiVersion?.IndexOf('/') ?? -1;
        return Find(slash < 0 || apiVersion is null ? string.Empty : apiVersion[..slash], kind);
    }
}
