using WaypointWebhook.Admission;
using WaypointWebhook.Cluster;
using WaypointWebhook.Policy;
using WaypointWebhook.Policy.Configuration;

namespace WaypointWebhook.Testing;

/// <summary>The example cluster state (deploy/examples/cluster) as the webhook sees it.</summary>
public static class ExampleViews
{
    private static readonly Lazy<ClusterSnapshot> Example = new(() => Of(RepoPaths.ExampleCluster));

    /// <summary>The example cluster, read once.</summary>
    public static ClusterSnapshot Snapshot => Example.Value;

    /// <summary>A snapshot of the manifests under the paths.</summary>
    public static ClusterSnapshot Of(params string[] paths) => ClusterSnapshot.From(ManifestReader.Read(paths));

    /// <summary>The view source <c>serve --cluster-state</c> makes of the paths (the example cluster when none).</summary>
    public static ManifestClusterViewSource Source(params string[] paths)
    {
        var read = paths.Length == 0 ? [RepoPaths.ExampleCluster] : paths;
        return new ManifestClusterViewSource(Of(read), read);
    }

    /// <summary>The admission handler over the example cluster with the policy's options.</summary>
    public static AdmissionHandler Handler(PolicyOptions options) =>
        new(new WaypointPolicy(options), new ManifestClusterViewSource(Snapshot, [RepoPaths.ExampleCluster]));
}
