using System.Collections.Immutable;
using System.Net;
using k8s;
using k8s.Autorest;

namespace WaypointWebhook.Cluster.Live;

/// <summary>Timing of the list+watch loop; tests shorten it.</summary>
public sealed record CacheTiming
{
    public int PageSize { get; init; } = 500;

    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Watches are renewed every 5 to 10 minutes (randomized, as client-go does) so a silent stream cannot go stale.</summary>
    public int MinWatchSeconds { get; init; } = 300;
}

/// <summary>
/// A list+watch cache of one resource (the reflector pattern): a paginated list, then a watch from the
/// list's resourceVersion. A closed stream re-watches from the last resourceVersion seen; 410 Gone
/// (an ERROR event or the HTTP status) lists afresh and swaps the whole state at once. Readers get an
/// immutable map through one volatile read, so they never see a torn state.
/// </summary>
public sealed class ResourceCache<T>(IResourceSource<T> source, CacheTiming timing, ILogger logger) where T : class
{
    private volatile ImmutableDictionary<string, T> items = ImmutableDictionary<string, T>.Empty.WithComparers(StringComparer.Ordinal);
    private readonly TaskCompletionSource synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long lastEventTicks;

    public string Name => source.Name;

    public ImmutableDictionary<string, T> Items => items;

    public bool IsSynced => synced.Task.IsCompleted;

    /// <summary>Completes once the first full list is in.</summary>
    public Task Synced => synced.Task;

    /// <summary>When the cache last heard from the API server (list, event or bookmark); null before the first list.</summary>
    public DateTimeOffset? LastEvent => Interlocked.Read(ref lastEventTicks) is var t and > 0 ? new DateTimeOffset(t, TimeSpan.Zero) : null;

    /// <summary>How many full lists the cache has made: one at start, one more per expired resourceVersion.</summary>
    public int Lists { get; private set; }

    public T? Get(string key) => items.GetValueOrDefault(key);

    /// <summary>Adds an object learned outside the watch (a confirming GET); the watch will confirm or replace it.</summary>
    public void Upsert(string key, T item) => items = items.SetItem(key, item);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var backoff = new Backoff(timing.InitialBackoff, timing.MaxBackoff);
        string? resourceVersion = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                resourceVersion ??= await ListAsync(cancellationToken).ConfigureAwait(false);
                var outcome = await WatchAsync(resourceVersion, backoff, cancellationToken).ConfigureAwait(false);
                resourceVersion = outcome.ResourceVersion;
                if (outcome.Expired)
                {
                    logger.LogInformation("Watch of {Resource} expired at resourceVersion {ResourceVersion}; listing again", Name, resourceVersion);
                    resourceVersion = null;
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
                logger.LogInformation("{Resource} resourceVersion {ResourceVersion} is gone; listing again", Name, resourceVersion);
                resourceVersion = null;
                continue;
            }
            catch (Exception e)
            {
                logger.LogWarning("List or watch of {Resource} failed ({Error}); serving the last known state ({Count} objects) and retrying", Name, e.Message, items.Count);
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

    /// <summary>Lists every page into a new map and swaps it in whole; returns the list's resourceVersion.</summary>
    private async Task<string> ListAsync(CancellationToken cancellationToken)
    {
        var builder = ImmutableDictionary.CreateBuilder<string, T>(StringComparer.Ordinal);
        string? continueToken = null;
        string? resourceVersion;
        do
        {
            var page = await source.ListAsync(continueToken, timing.PageSize, cancellationToken).ConfigureAwait(false);
            foreach (var (key, item) in page.Items)
            {
                builder[key] = item;
            }

            continueToken = page.Continue is { Length: > 0 } next ? next : null;
            resourceVersion = page.ResourceVersion;
        }
        while (continueToken is not null);

        items = builder.ToImmutable();
        Lists++;
        Touch();
        if (synced.TrySetResult())
        {
            logger.LogInformation("{Resource} synced: {Count} objects at resourceVersion {ResourceVersion}", Name, items.Count, resourceVersion);
        }

        return resourceVersion ?? throw new InvalidOperationException($"the list of {Name} has no resourceVersion");
    }

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
            switch (change.Type)
            {
                case WatchEventType.Added or WatchEventType.Modified when change.Item is not null:
                    items = items.SetItem(change.Key, change.Item);
                    break;
                case WatchEventType.Deleted:
                    items = items.Remove(change.Key);
                    break;
            }

            resourceVersion = change.ResourceVersion is { Length: > 0 } rv ? rv : resourceVersion;
        }

        if (streamError is not null)
        {
            logger.LogWarning("Watch of {Resource} reported {Error}", Name, streamError.Message);
        }

        return new WatchOutcome(resourceVersion, expired, streamError is not null && !expired);
    }

    private void Touch() => Interlocked.Exchange(ref lastEventTicks, DateTimeOffset.UtcNow.UtcTicks);

    private static bool IsGone(Exception e) => e switch
    {
        KubernetesException k => k.Status?.Code == (int)HttpStatusCode.Gone || k.Status?.Reason is "Expired" or "Gone",
        HttpOperationException h => h.Response?.StatusCode == HttpStatusCode.Gone,
        _ => false,
    };

    private sealed record WatchOutcome(string ResourceVersion, bool Expired, bool Failed);
}
