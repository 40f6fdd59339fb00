using System.Net;
using k8s;
using k8s.Autorest;
using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Cluster.Live;

/// <summary>
/// Keeps one resource's table in the <see cref="ClusterStore"/> current (client-go's reflector): a
/// paginated list, then a watch from the list's resourceVersion. A closed stream re-watches from the last
/// resourceVersion seen; 410 Gone (an ERROR event or the HTTP status) lists afresh and replaces the table
/// whole. Every change goes through the store's one writer, with the merge rules of <see cref="ResourceTable{T}"/>.
/// </summary>
public sealed class Reflector<T>(
    IResourceSource<T> source,
    ClusterStore store,
    Func<ClusterSnapshot, ResourceTable<T>> table,
    Func<ClusterSnapshot, ResourceTable<T>, TableChange, ClusterSnapshot> withTable,
    CacheTiming timing,
    ILogger logger,
    Func<T, T, bool>? sameForRules = null) where T : class
{
    private readonly TaskCompletionSource synced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Where the next watch starts: the list's resourceVersion, then every event's and bookmark's as it is
    /// applied. A field, not a local of the watch, so a stream that fails mid-way (a connection reset) is
    /// resumed from the last event seen rather than from the list, which would replay or expire.
    /// </summary>
    private string? resumeFrom;
    private long lastEventTicks;
    private int lists;

    public string Name => source.Name;

    /// <summary>This resource's table in the store's current snapshot.</summary>
    public ResourceTable<T> Table => table(store.Current);

    public bool IsSynced => synced.Task.IsCompleted;

    /// <summary>When the reflector last heard from the API server (list, event or bookmark); null before the first list.</summary>
    public DateTimeOffset? LastEvent => Interlocked.Read(ref lastEventTicks) is var t and > 0 ? new DateTimeOffset(t, TimeSpan.Zero) : null;

    /// <summary>How many full lists were made: one at start, one more per expired resourceVersion.</summary>
    public int Lists => Volatile.Read(ref lists);

    public ResourceStatus Status => new(Name, Table.Count, LastEvent);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var backoff = new Backoff(timing.InitialBackoff, timing.MaxBackoff);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                resumeFrom ??= await ListAsync(cancellationToken).ConfigureAwait(false);
                var outcome = await WatchAsync(resumeFrom, backoff, cancellationToken).ConfigureAwait(false);
                if (outcome.Expired)
                {
                    logger.LogInformation("Watch of {Resource} expired at resourceVersion {ResourceVersion}; listing again", Name, resumeFrom);
                    resumeFrom = null;
                    continue;
                }

                if (!outcome.Failed)
                {
                    continue; // a normal close (timeoutSeconds): re-watch at once
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (IsGone(e))
            {
                logger.LogInformation("{Resource} resourceVersion {ResourceVersion} is gone; listing again", Name, resumeFrom);
                resumeFrom = null;
                continue;
            }
            catch (Exception e)
            {
                logger.LogWarning(
                    "List or watch of {Resource} failed ({Error}); serving the last known state ({Count} objects) and retrying from resourceVersion {ResourceVersion}",
                    Name, e.Message, Table.Count, resumeFrom ?? "(a new list)");
            }

            try
            {
                await Task.Delay(backoff.Next(), cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Asks the API server for one object the table lacks and merges the answer. Returns the object as the
    /// table now knows it: null when the server has none, or when the table has since seen it deleted.
    /// </summary>
    public async Task<T?> ConfirmAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        if (source is not IReadableSource<T> readable)
        {
            throw new InvalidOperationException($"{Name} is watched for the consumer index only: the view is granted no get on it and confirms nothing there");
        }

        var found = await readable.GetAsync(key, cancellationToken).ConfigureAwait(false);
        if (found is not { } entry)
        {
            return null;
        }

        return store.Update(snapshot =>
        {
            var (next, current) = table(snapshot).Confirmed(key, entry.Item, entry.ResourceVersion);
            return (withTable(snapshot, next, TableChange.Of(key)), current);
        });
    }

    /// <summary>Lists every page, then replaces the table in one write; returns the list's resourceVersion.</summary>
    private async Task<string> ListAsync(CancellationToken cancellationToken)
    {
        var listed = new List<(ObjectKey, Versioned<T>)>();
        string? continueToken = null;
        string? resourceVersion;
        do
        {
            var page = await source.ListAsync(continueToken, timing.PageSize, cancellationToken).ConfigureAwait(false);
            listed.AddRange(page.Items);
            continueToken = page.Continue is { Length: > 0 } next ? next : null;
            resourceVersion = page.ResourceVersion;
        }
        while (continueToken is not null);

        if (resourceVersion is null)
        {
            throw new InvalidOperationException($"the list of {Name} has no resourceVersion");
        }

        var version = ResourceVersions.Parse(resourceVersion);
        store.Update(snapshot => withTable(snapshot, table(snapshot).Relisted(listed, version), TableChange.Whole));
        Interlocked.Increment(ref lists);
        Touch();
        if (synced.TrySetResult())
        {
            logger.LogInformation("{Resource} synced: {Count} objects at resourceVersion {ResourceVersion}", Name, listed.Count, resourceVersion);

            // The list's write notified while this reflector still read as syncing: readiness (and a view
            // that is null until every list is in) may change only now.
            store.NotifyChanged();
        }

        return resourceVersion;
    }

    /// <summary>Applies one watch stream's events; <see cref="resumeFrom"/> follows each one.</summary>
    private async Task<WatchOutcome> WatchAsync(string resourceVersion, Backoff backoff, CancellationToken cancellationToken)
    {
        var expired = false;
        Exception? streamError = null;
        var seconds = timing.MinWatchSeconds + Random.Shared.Next(timing.MinWatchSeconds + 1);
        await foreach (var change in source.WatchAsync(resourceVersion, seconds, e =>
                       {
                           if (IsGone(e))
                           {
                               expired = true;
                           }
                           else
                           {
                               streamError = e;
                           }
                       }, cancellationToken).ConfigureAwait(false))
        {
            Touch();
            backoff.Reset();
            var version = ResourceVersions.Parse(change.ResourceVersion);
            switch (change.Type)
            {
                case WatchEventType.Added or WatchEventType.Modified when change.Item is { } item:
                    store.Write(snapshot =>
                    {
                        // What the rules read did not change (a Pod's status, an annotation not kept): only the
                        // version moves, and nobody is told. The item keeps its older version, which every merge
                        // rule still orders correctly against what comes later.
                        var current = table(snapshot);
                        return sameForRules is not null && current.Get(change.Key) is { } known && sameForRules(known, item)
                            ? (withTable(snapshot, current.Advanced(version), TableChange.None), false)
                            : (withTable(snapshot, current.Upserted(change.Key, item, version), TableChange.Of(change.Key)), true);
                    });
                    break;

                // An object the source's projection does not keep (a ServiceEntry that no longer names a
                // waypoint, on a watch of them all) is gone from the table as of this event.
                case WatchEventType.Added or WatchEventType.Modified:
                case WatchEventType.Deleted:
                    store.Update(snapshot => withTable(snapshot, table(snapshot).Deleted(change.Key, version), TableChange.Of(change.Key)));
                    break;
                case WatchEventType.Bookmark:
                    store.Write(snapshot => (withTable(snapshot, table(snapshot).Advanced(version), TableChange.None), false));
                    break;
            }

            if (change.ResourceVersion is { Length: > 0 } rv)
            {
                resumeFrom = rv;
            }
        }

        if (streamError is not null)
        {
            logger.LogWarning("Watch of {Resource} reported {Error}", Name, streamError.Message);
        }

        return new WatchOutcome(expired, streamError is not null && !expired);
    }

    private void Touch() => Interlocked.Exchange(ref lastEventTicks, DateTimeOffset.UtcNow.UtcTicks);

    private static bool IsGone(Exception e) => e switch
    {
        KubernetesException k => k.Status?.Code == (int)HttpStatusCode.Gone || k.Status?.Reason is "Expired" or "Gone",
        HttpOperationException h => h.Response?.StatusCode == HttpStatusCode.Gone,
        _ => false,
    };

    private sealed record WatchOutcome(bool Expired, bool Failed);
}
