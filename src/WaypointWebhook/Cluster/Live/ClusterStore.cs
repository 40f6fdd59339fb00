namespace WaypointWebhook.Cluster.Live;

/// <summary>
/// The live view's state: one immutable <see cref="ClusterSnapshot"/> behind one volatile reference,
/// replaced whole by one writer at a time. The watch loops and the confirming GETs all write through
/// <see cref="Update{TResult}"/>, so no change is lost to a concurrent one; readers take
/// <see cref="Current"/> once and see every table as of the same moment.
/// </summary>
public sealed class ClusterStore
{
    private readonly Lock writer = new();
    private volatile ClusterSnapshot current = ClusterSnapshot.Empty;

    public ClusterSnapshot Current => current;

    public void Update(Func<ClusterSnapshot, ClusterSnapshot> change)
    {
        lock (writer)
        {
            current = change(current);
        }
    }

    /// <summary>A change that also says something about what it found (a confirmation's merged item).</summary>
    public TResult Update<TResult>(Func<ClusterSnapshot, (ClusterSnapshot Next, TResult Result)> change)
    {
        lock (writer)
        {
            var (next, result) = change(current);
            current = next;
            return result;
        }
    }
}
