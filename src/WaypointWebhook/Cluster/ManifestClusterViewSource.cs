using WaypointWebhook.Objects;
using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Cluster;

/// <summary>A cluster view read once from manifest files (<c>serve --cluster-state</c>).</summary>
public sealed class ManifestClusterViewSource(ClusterSnapshot snapshot, IReadOnlyList<string> paths) : IClusterViewSource
{
    public IClusterView? Current => snapshot;

    /// <summary>Files are read once: the view never changes, so nothing is kept and nothing is raised.</summary>
    public event Action? Changed
    {
        add { }
        remove { }
    }

    public IReadOnlyList<ResourceStatus> Resources { get; } =
    [
        new(HandledKinds.Namespace.Resource, snapshot.Namespaces.Count, null),
        new(HandledKinds.GatewayClass.Resource, snapshot.GatewayClasses.Count, null),
        new(HandledKinds.Gateway.Resource, snapshot.Gateways.Count, null),
        new("consumers", snapshot.Consumers.Count, null),
    ];

    public ValueTask<IClusterView> ConfirmAsync(IClusterView view, ViewMisses misses, CancellationToken cancellationToken) => ValueTask.FromResult(view);

    public Task RunAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public string Describe() =>
        $"manifests {string.Join(", ", paths)}: {snapshot.Namespaces.Count} namespaces, {snapshot.GatewayClasses.Count} gateway classes, {snapshot.Gateways.Count} gateways, {snapshot.Consumers.Count} consumers";
}
