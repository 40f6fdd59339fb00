using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Cluster.Live;

/// <summary>
/// A resource the view may also read one object of, to confirm a miss on the request path (Namespaces,
/// Gateways): the RBAC grants <c>get</c> on exactly these. The consumer watches are list+watch only.
/// </summary>
public interface IReadableSource<T> : IResourceSource<T>
{
    /// <summary>One object as the API server has it now; null when it does not exist. Throws when the server cannot say.</summary>
    Task<Versioned<T>?> GetAsync(ObjectKey key, CancellationToken cancellationToken);
}
