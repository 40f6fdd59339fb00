using System.Globalization;

namespace WaypointWebhook.Cluster;

public static class ResourceVersions
{
    /// <summary>
    /// A resourceVersion as a number (an etcd revision, as every Kubernetes API server gives it); 0 when
    /// absent or not an integer, which <see cref="ResourceTable{T}"/> treats as "order unknown".
    /// </summary>
    public static ulong Parse(string? resourceVersion) =>
        ulong.TryParse(resourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : 0;
}
