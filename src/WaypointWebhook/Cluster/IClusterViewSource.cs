using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Cluster;

/// <summary>Where the webhook gets its cluster view: watch caches of the live cluster, or manifest files.</summary>
public interface IClusterViewSource
{
    /// <summary>The view as of now (one immutable snapshot), or null until the first full load.</summary>
    IClusterView? Current { get; }

    /// <summary>
    /// The view for one admission: <paramref name="view"/>, plus what the API server says about
    /// <paramref name="misses"/> (objects it lacks whose absence could decide a denial). A source of files
    /// returns the view as it is: what the files do not describe does not exist.
    /// </summary>
    ValueTask<IClusterView> ConfirmAsync(IClusterView view, ViewMisses misses, CancellationToken cancellationToken);

    /// <summary>Keeps the view current for the life of the process (a source of files has nothing to do).</summary>
    Task RunAsync(CancellationToken cancellationToken);

    /// <summary>What readiness reports while <see cref="Current"/> is null.</summary>
    string Describe();

    /// <summary>Per resource: how many objects the view holds and when it last heard of them (null: never changes).</summary>
    IReadOnlyList<ResourceStatus> Resources { get; }

    /// <summary>
    /// Raised after the view's snapshot was replaced (by any writer: a watch event, a relist, a bookmark, a
    /// confirmation), and when the view may have become ready; never while a lock of the view is held. On
    /// the writer's thread: a handler must be quick, read <see cref="Current"/> itself (notifications may
    /// overlap and carry nothing) and coalesce bursts. A source of files never changes and never raises it.
    /// </summary>
    event Action? Changed;
}
