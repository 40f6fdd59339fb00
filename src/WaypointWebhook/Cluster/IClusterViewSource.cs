using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Cluster;

/// <summary>Where the webhook gets its cluster view; <see cref="Current"/> is null until the first full load.</summary>
public interface IClusterViewSource
{
    IClusterView? Current { get; }

    /// <summary>What readiness reports while <see cref="Current"/> is null.</summary>
    string Describe();
}

/// <summary>A cluster view read once from manifest files (<c>serve --cluster-state</c>).</summary>
public sealed class ManifestClusterViewSource(ClusterSnapshot snapshot, IReadOnlyList<string> paths) : IClusterViewSource
{
    public IClusterView? Current => snapshot;

    public string Describe() =>
        $"manifests {string.Join(", ", paths)}: {snapshot.NamespaceCount} namespaces, {snapshot.GatewayClassCount} gateway classes, {snapshot.GatewayCount} gateways";
}
