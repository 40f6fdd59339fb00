using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Cluster;

/// <summary>Where the webhook gets its cluster view; <see cref="Current"/> is null until the first full load.</summary>
public interface IClusterViewSource
{
    IClusterView? Current { get; }

    /// <summary>What readiness reports while <see cref="Current"/> is null.</summary>
    string Describe();

    /// <summary>Per resource: how many objects the view holds and when it last heard of them (null: never changes).</summary>
    IReadOnlyList<ResourceStatus> Resources { get; }
}

public sealed record ResourceStatus(string Resource, int Count, DateTimeOffset? LastEvent);

/// <summary>A cluster view read once from manifest files (<c>serve --cluster-state</c>).</summary>
public sealed class ManifestClusterViewSource(ClusterSnapshot snapshot, IReadOnlyList<string> paths) : IClusterViewSource
{
    public IClusterView? Current => snapshot;

    public IReadOnlyList<ResourceStatus> Resources { get; } =
    [
        new("namespaces", snapshot.NamespaceCount, null),
        new("gatewayclasses", snapshot.GatewayClassCount, null),
        new("gateways", snapshot.GatewayCount, null),
    ];

    public string Describe() =>
        $"manifests {string.Join(", ", paths)}: {snapshot.NamespaceCount} namespaces, {snapshot.GatewayClassCount} gateway classes, {snapshot.GatewayCount} gateways";
}
