using System.Collections.Immutable;
using WaypointWebhook.Objects;
using WaypointWebhook.Policy.Model;
using WaypointWebhook.Policy.Resolution;

namespace WaypointWebhook.Cluster;

/// <summary>
/// The consumer index (spec section 7): the objects that name a waypoint with their own labels, as lean
/// subjects, filed by the Gateways they name (<see cref="ConsumerTargets.Of"/>) and by namespace.
/// Immutable like <see cref="ResourceTable{T}"/>: a reader holds one and never sees it move.
/// </summary>
/// <remarks>
/// The objects live in one <see cref="ResourceTable{T}"/> per <see cref="ConsumerFeed"/>, so every merge
/// rule of the other tables (versions, relists, deletions never undone) holds here unchanged. A kind is
/// watched twice (one watch per waypoint label); an object carrying both labels is in both feeds and
/// counts once, as the newer of its two copies. A label-selected watch deletes an object from its feed
/// when it stops matching, while the other feed may still hold it: a key is in the index while any feed of
/// its kind holds it. Every write names the keys it may have changed (<see cref="TableChange"/>), so the
/// two indexes follow a watch event in O(log n); only a relist re-files its feed's keys.
/// </remarks>
public sealed class ConsumerTable : IConsumerIndex
{
    public static readonly ConsumerTable Empty = new(
        ImmutableDictionary<ConsumerFeed, ResourceTable<EnrollingSubject>>.Empty,
        ImmutableDictionary<ObjectKey, ImmutableDictionary<ConsumerKey, EnrollingSubject>>.Empty,
        ImmutableDictionary<string, ImmutableDictionary<ConsumerKey, EnrollingSubject>>.Empty.WithComparers(StringComparer.Ordinal),
        0);

    private static readonly ImmutableDictionary<ConsumerKey, EnrollingSubject> NoConsumers = ImmutableDictionary<ConsumerKey, EnrollingSubject>.Empty;

    private readonly ImmutableDictionary<ConsumerFeed, ResourceTable<EnrollingSubject>> feeds;
    private readonly ImmutableDictionary<ObjectKey, ImmutableDictionary<ConsumerKey, EnrollingSubject>> byTarget;
    private readonly ImmutableDictionary<string, ImmutableDictionary<ConsumerKey, EnrollingSubject>> byNamespace;

    private ConsumerTable(
        ImmutableDictionary<ConsumerFeed, ResourceTable<EnrollingSubject>> feeds,
        ImmutableDictionary<ObjectKey, ImmutableDictionary<ConsumerKey, EnrollingSubject>> byTarget,
        ImmutableDictionary<string, ImmutableDictionary<ConsumerKey, EnrollingSubject>> byNamespace,
        int count)
    {
        this.feeds = feeds;
        this.byTarget = byTarget;
        this.byNamespace = byNamespace;
        Count = count;
    }

    /// <summary>Distinct consumers: an object in both feeds of its kind counts once.</summary>
    public int Count { get; }

    /// <summary>Every consumer once: each is filed under exactly one namespace.</summary>
    public IEnumerable<EnrollingSubject> All => byNamespace.Values.SelectMany(consumers => consumers.Values);

    /// <summary>How many Gateways at least one consumer names.</summary>
    public int TargetCount => byTarget.Count;

    public IEnumerable<EnrollingSubject> Naming(ObjectKey gateway) =>
        byTarget.TryGetValue(gateway, out var consumers) ? consumers.Values : [];

    public IEnumerable<EnrollingSubject> In(string @namespace) =>
        byNamespace.TryGetValue(@namespace, out var consumers) ? consumers.Values : [];

    /// <summary>One consumer by kind and key, as the index has it (the newer copy when two feeds hold it).</summary>
    public EnrollingSubject? Get(SubjectKind kind, ObjectKey key) => Effective(TablesOf(feeds, kind), key);

    /// <summary>One feed's table (empty until it is first written).</summary>
    public ResourceTable<EnrollingSubject> Feed(ConsumerFeed feed) => feeds.GetValueOrDefault(feed) ?? ResourceTable<EnrollingSubject>.Empty;

    /// <summary>
    /// The consumers among manifest files: one feed per kind, later objects of a key winning as in
    /// <see cref="ResourceTable{T}.Of"/>; Namespaces are derived from <paramref name="namespaces"/>.
    /// </summary>
    public static ConsumerTable Of(IEnumerable<EnrollingSubject> consumers, ResourceTable<NamespaceInfo> namespaces)
    {
        var table = Empty.WithNamespaces(namespaces, TableChange.Whole);
        foreach (var kind in consumers.GroupBy(c => c.Kind))
        {
            var feed = ResourceTable<EnrollingSubject>.Of(kind.Select(c => (new ObjectKey(c.Object.Namespace ?? string.Empty, c.Object.Name), c)));
            table = table.WithFeed(ConsumerFeed.All(kind.Key), feed, TableChange.Whole);
        }

        return table;
    }

    /// <summary>The index after one feed's table became <paramref name="next"/> by <paramref name="change"/>.</summary>
    public ConsumerTable WithFeed(ConsumerFeed feed, ResourceTable<EnrollingSubject> next, TableChange change)
    {
        var before = Feed(feed);
        if (ReferenceEquals(before, next))
        {
            return this;
        }

        var nextFeeds = feeds.SetItem(feed, next);
        IEnumerable<ObjectKey> keys = change.IsWhole
            ? before.Entries.Select(e => e.Key).Concat(next.Entries.Select(e => e.Key)).ToHashSet()
            : change.Key is { } key ? [key] : [];
        return Reindexed(nextFeeds, feed.Kind, keys);
    }

    /// <summary>
    /// The index after the Namespace table became <paramref name="namespaces"/>: a Namespace's consumer is
    /// derived from its <see cref="NamespaceInfo"/> (there is one Namespace watch, unselected), at the same
    /// resourceVersion, so the derived feed moves exactly when the table does.
    /// </summary>
    public ConsumerTable WithNamespaces(ResourceTable<NamespaceInfo> namespaces, TableChange change)
    {
        var feed = ConsumerFeed.All(SubjectKind.Namespace);
        var before = Feed(feed);
        ResourceTable<EnrollingSubject> next;
        if (change.IsWhole)
        {
            var derived = new List<(ObjectKey, Versioned<EnrollingSubject>)>();
            foreach (var (key, entry) in namespaces.Entries)
            {
                if (ConsumerReader.FromNamespace(entry.Item) is { } consumer)
                {
                    derived.Add((key, new Versioned<EnrollingSubject>(consumer, entry.ResourceVersion)));
                }
            }

            next = ResourceTable<EnrollingSubject>.Empty.Relisted(derived, namespaces.ResourceVersion);
        }
        else if (change.Key is { } key)
        {
            var entry = namespaces.Find(key);
            var mine = before.Find(key);
            if (entry is { } e && mine is { } m && ReferenceEquals(m.Item.Labels.ToDictionary(), e.Item.Labels) && m.ResourceVersion == e.ResourceVersion)
            {
                return this; // the table kept the Namespace it had (an older event, a confirmation of the same version)
            }

            next = entry is { } found && ConsumerReader.FromNamespace(found.Item) is { } consumer
                ? before.Upserted(key, consumer, found.ResourceVersion)
                : before.Deleted(key, Math.Max(mine?.ResourceVersion ?? 0, namespaces.ResourceVersion));
        }
        else
        {
            return this;
        }

        return WithFeed(feed, next, change);
    }

    private ConsumerTable Reindexed(ImmutableDictionary<ConsumerFeed, ResourceTable<EnrollingSubject>> nextFeeds, SubjectKind kind, IEnumerable<ObjectKey> keys)
    {
        var beforeTables = TablesOf(feeds, kind);
        var afterTables = TablesOf(nextFeeds, kind);
        var targets = new IndexWriter<ObjectKey>(byTarget);
        var namespaces = new IndexWriter<string>(byNamespace);
        var count = Count;
        foreach (var key in keys)
        {
            var old = Effective(beforeTables, key);
            var now = Effective(afterTables, key);
            if (ReferenceEquals(old, now))
            {
                continue;
            }

            var consumerKey = new ConsumerKey(kind, key);
            if (old is not null)
            {
                foreach (var target in ConsumerTargets.Of(old))
                {
                    targets.Remove(target, consumerKey);
                }

                namespaces.Remove(old.ConsumerNamespace ?? string.Empty, consumerKey);
                count--;
            }

            if (now is not null)
            {
                foreach (var target in ConsumerTargets.Of(now))
                {
                    targets.Set(target, consumerKey, now);
                }

                namespaces.Set(now.ConsumerNamespace ?? string.Empty, consumerKey, now);
                count++;
            }
        }

        return new ConsumerTable(nextFeeds, targets.ToImmutable(), namespaces.ToImmutable(), count);
    }

    private static ResourceTable<EnrollingSubject>[] TablesOf(ImmutableDictionary<ConsumerFeed, ResourceTable<EnrollingSubject>> feeds, SubjectKind kind) =>
        feeds.Where(f => f.Key.Kind == kind).Select(f => f.Value).ToArray();

    /// <summary>The key's consumer as the index files it: the newest copy among the kind's feeds (any, when versions are unknown).</summary>
    private static EnrollingSubject? Effective(ResourceTable<EnrollingSubject>[] tables, ObjectKey key)
    {
        Versioned<EnrollingSubject>? best = null;
        foreach (var table in tables)
        {
            if (table.Find(key) is { } entry && (best is not { } b || entry.ResourceVersion > b.ResourceVersion))
            {
                best = entry;
            }
        }

        return best?.Item;
    }

    /// <summary>Edits one two-level index through builders: a relist's 100,000 keys cost one pass, not 100,000 copies.</summary>
    private sealed class IndexWriter<TKey>(ImmutableDictionary<TKey, ImmutableDictionary<ConsumerKey, EnrollingSubject>> index)
        where TKey : notnull
    {
        private readonly ImmutableDictionary<TKey, ImmutableDictionary<ConsumerKey, EnrollingSubject>>.Builder outer = index.ToBuilder();
        private readonly Dictionary<TKey, ImmutableDictionary<ConsumerKey, EnrollingSubject>.Builder> touched = new(index.KeyComparer);

        public void Set(TKey key, ConsumerKey consumer, EnrollingSubject subject) => Inner(key)[consumer] = subject;

        public void Remove(TKey key, ConsumerKey consumer) => Inner(key).Remove(consumer);

        public ImmutableDictionary<TKey, ImmutableDictionary<ConsumerKey, EnrollingSubject>> ToImmutable()
        {
            foreach (var (key, inner) in touched)
            {
                if (inner.Count == 0)
                {
                    outer.Remove(key); // a Gateway nobody names any more, a namespace without consumers: not kept
                }
                else
                {
                    outer[key] = inner.ToImmutable();
                }
            }

            return outer.ToImmutable();
        }

        private ImmutableDictionary<ConsumerKey, EnrollingSubject>.Builder Inner(TKey key)
        {
            if (!touched.TryGetValue(key, out var inner))
            {
                inner = (outer.GetValueOrDefault(key) ?? NoConsumers).ToBuilder();
                touched[key] = inner;
            }

            return inner;
        }
    }
}
