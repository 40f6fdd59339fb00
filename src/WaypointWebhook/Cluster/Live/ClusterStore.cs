namespace WaypointWebhook.Cluster.Live;

/// <summary>
/// The live view's state: one immutable <see cref="ClusterSnapshot"/> behind one volatile reference,
/// replaced whole by one writer at a time. The watch loops and the confirming GETs all write through
/// <see cref="Update{TResult}"/>, so no change is lost to a concurrent one; readers take
/// <see cref="Current"/> once and see every table as of the same moment.
/// </summary>
/// <remarks>
/// <see cref="Changed"/> is raised after every write that replaced the snapshot, on the writer's thread,
/// outside the lock (a handler may read <see cref="Current"/>, or even write, without deadlock), so two
/// writers' notifications can overlap and arrive in either order: a handler reads <see cref="Current"/>
/// rather than trusting an order, and coalesces.
/// </remarks>
public sealed class ClusterStore(Action<Exception>? onHandlerError = null)
{
    private readonly Lock writer = new();
    private volatile ClusterSnapshot current = ClusterSnapshot.Empty;

    /// <summary>
    /// The snapshot was replaced, or the view may have become ready (<see cref="NotifyChanged"/>). Handlers
    /// must be quick (they run on a watch loop); one that throws is reported to the store's error callback
    /// and the others still run.
    /// </summary>
    public event Action? Changed;

    public ClusterSnapshot Current => current;

    public void Update(Func<ClusterSnapshot, ClusterSnapshot> change)
    {
        bool replaced;
        lock (writer)
        {
            var before = current;
            current = change(before);
            replaced = !ReferenceEquals(before, current);
        }

        if (replaced)
        {
            NotifyChanged();
        }
    }

    /// <summary>
    /// A change that says whether what the view holds changed or only its versions moved (a bookmark, an event
    /// whose projection equals the item the table has: a Pod's status or an unkept annotation changed). Either
    /// way the snapshot moves on; only a real change is told: the live audit re-judges 100,000 consumers on a
    /// notification, and a busy cluster writes Pod statuses all the time.
    /// </summary>
    public void Write(Func<ClusterSnapshot, (ClusterSnapshot Next, bool Changed)> change)
    {
        bool notify;
        lock (writer)
        {
            var before = current;
            (var next, var changed) = change(before);
            current = next;
            notify = changed && !ReferenceEquals(before, next);
        }

        if (notify)
        {
            NotifyChanged();
        }
    }

    /// <summary>A change that also says something about what it found (a confirmation's merged item).</summary>
    public TResult Update<TResult>(Func<ClusterSnapshot, (ClusterSnapshot Next, TResult Result)> change)
    {
        bool replaced;
        TResult result;
        lock (writer)
        {
            var before = current;
            (var next, result) = change(before);
            current = next;
            replaced = !ReferenceEquals(before, next);
        }

        if (replaced)
        {
            NotifyChanged();
        }

        return result;
    }

    /// <summary>Raises <see cref="Changed"/> (never under the lock): after a write, and when a reflector's first list makes the view ready.</summary>
    public void NotifyChanged()
    {
        if (Changed is not { } handlers)
        {
            return;
        }

        foreach (var handler in handlers.GetInvocationList().Cast<Action>())
        {
            try
            {
                handler();
            }
            catch (Exception e) when (onHandlerError is not null)
            {
                onHandlerError(e);
            }
        }
    }
}
