using System.Collections.Immutable;
using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Cluster;

/// <summary>
/// One resource's objects, immutable, each with its resourceVersion, and the resourceVersion the table
/// is complete at (the list's, then the last watch event's or bookmark's). Every change returns a new
/// table, so a reader holding one never sees it move.
/// </summary>
/// <remarks>
/// Writes come from three places that can race: the watch (ordered), a relist after 410 Gone (a whole
/// state at one resourceVersion) and a confirming GET made on the request path. The rules that keep any
/// of them from losing an update (Kubernetes resourceVersions are etcd revisions, compared as integers
/// as client-go's reflector and the API server's watch cache do):
/// <list type="bullet">
/// <item>an item never replaces a newer one of the same key;</item>
/// <item>a GET's item for a key the table lacks, at or below the table's resourceVersion, was deleted
/// since (the table is complete at that version and saw the deletion): a deletion is never undone;</item>
/// <item>a relist keeps the items it finds newer than the list (a GET answered during the relist).</item>
/// </list>
/// A resourceVersion that is not an integer (0) takes the watch's order as it comes and is never cached
/// from a GET.
/// </remarks>
public sealed class ResourceTable<T> where T : class
{
    public static readonly ResourceTable<T> Empty = new(ImmutableDictionary<ObjectKey, Versioned<T>>.Empty, 0);

    private readonly ImmutableDictionary<ObjectKey, Versioned<T>> items;

    private ResourceTable(ImmutableDictionary<ObjectKey, Versioned<T>> items, ulong resourceVersion)
    {
        this.items = items;
        ResourceVersion = resourceVersion;
    }

    /// <summary>The resourceVersion up to which the table holds every change (0 for a table of files).</summary>
    public ulong ResourceVersion { get; }

    public int Count => items.Count;

    public IEnumerable<KeyValuePair<ObjectKey, Versioned<T>>> Entries => items;

    public T? Get(ObjectKey key) => items.TryGetValue(key, out var entry) ? entry.Item : null;

    public Versioned<T>? Find(ObjectKey key) => items.TryGetValue(key, out var entry) ? entry : null;

    /// <summary>A table of objects read from files: later entries of a key win, as with <c>kubectl apply</c>.</summary>
    public static ResourceTable<T> Of(IEnumerable<(ObjectKey Key, T Item)> objects)
    {
        var builder = ImmutableDictionary.CreateBuilder<ObjectKey, Versioned<T>>();
        foreach (var (key, item) in objects)
        {
            builder[key] = new Versioned<T>(item, 0);
        }

        return new ResourceTable<T>(builder.ToImmutable(), 0);
    }

    /// <summary>The state of a full list at <paramref name="listVersion"/>, keeping the items this table has newer than it.</summary>
    public ResourceTable<T> Relisted(IEnumerable<(ObjectKey Key, Versioned<T> Entry)> listed, ulong listVersion)
    {
        var builder = ImmutableDictionary.CreateBuilder<ObjectKey, Versioned<T>>();
        foreach (var (key, entry) in listed)
        {
            builder[key] = entry;
        }

        foreach (var (key, mine) in items)
        {
            if (mine.ResourceVersion > listVersion && listVersion != 0
                && (!builder.TryGetValue(key, out var theirs) || theirs.ResourceVersion < mine.ResourceVersion))
            {
                builder[key] = mine;
            }
        }

        return new ResourceTable<T>(builder.ToImmutable(), listVersion);
    }

    /// <summary>An ADDED or MODIFIED watch event.</summary>
    public ResourceTable<T> Upserted(ObjectKey key, T item, ulong resourceVersion) =>
        IsNewer(key, resourceVersion)
            ? new ResourceTable<T>(items.SetItem(key, new Versioned<T>(item, resourceVersion)), Math.Max(ResourceVersion, resourceVersion))
            : Advanced(resourceVersion);

    /// <summary>A DELETED watch event.</summary>
    public ResourceTable<T> Deleted(ObjectKey key, ulong resourceVersion) =>
        IsNewer(key, resourceVersion) && items.ContainsKey(key)
            ? new ResourceTable<T>(items.Remove(key), Math.Max(ResourceVersion, resourceVersion))
            : Advanced(resourceVersion);

    /// <summary>A BOOKMARK, or any event that moves the table's resourceVersion without changing an item.</summary>
    public ResourceTable<T> Advanced(ulong resourceVersion) =>
        resourceVersion > ResourceVersion ? new ResourceTable<T>(items, resourceVersion) : this;

    /// <summary>
    /// What a GET found, merged: returns the table after it and the item as the table now knows it (null
    /// when the table knows of a deletion after the GET's version).
    /// </summary>
    public (ResourceTable<T> Table, T? Current) Confirmed(ObjectKey key, T item, ulong resourceVersion)
    {
        if (resourceVersion == 0)
        {
            return (this, items.TryGetValue(key, out var known) ? known.Item : item);
        }

        if (items.TryGetValue(key, out var existing))
        {
            return existing.ResourceVersion >= resourceVersion
                ? (this, existing.Item)
                : (new ResourceTable<T>(items.SetItem(key, new Versioned<T>(item, resourceVersion)), ResourceVersion), item);
        }

        return resourceVersion <= ResourceVersion
            ? (this, null)
            : (new ResourceTable<T>(items.SetItem(key, new Versioned<T>(item, resourceVersion)), ResourceVersion), item);
    }

    /// <summary>Whether an item at <paramref name="resourceVersion"/> may replace what the table holds for the key.</summary>
    private bool IsNewer(ObjectKey key, ulong resourceVersion) =>
        resourceVersion == 0 || !items.TryGetValue(key, out var existing) || existing.ResourceVersion <= resourceVersion;
}
