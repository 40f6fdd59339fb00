using CsCheck;
using WaypointWebhook.Cluster;
using WaypointWebhook.Objects;
using WaypointWebhook.Policy.Model;
using WaypointWebhook.Policy.Resolution;

namespace WaypointWebhook.Tests.Cluster;

/// <summary>
/// Random watch histories (upserts, deletions, stale events, relists) on three feeds, two of one kind: the
/// index kept incrementally answers every lookup as a brute-force scan of the same tables does.
/// </summary>
public sealed class ConsumerTableProperties
{
    private static readonly ConsumerFeed[] Feeds =
    [
        new(SubjectKind.Pod, WaypointLabels.UseWaypoint),
        new(SubjectKind.Pod, WaypointLabels.UseWaypointCanary),
        new(SubjectKind.Service, WaypointLabels.UseWaypoint),
    ];

    private static readonly ObjectKey[] Keys = [new("a", "x"), new("a", "y"), new("a", "z"), new("b", "x"), new("b", "y"), new("c", "x")];

    private static readonly (string Key, string Value)[][] LabelSets =
    [
        [(WaypointLabels.UseWaypoint, "w1")],
        [(WaypointLabels.UseWaypoint, "w2"), (WaypointLabels.UseWaypointNamespace, "b")],
        [(WaypointLabels.UseWaypointCanary, "c1")],
        [(WaypointLabels.UseWaypoint, "w1"), (WaypointLabels.UseWaypointCanary, "c1")],
        [(WaypointLabels.UseWaypoint, "w1"), (WaypointLabels.UseWaypointCanary, "w1")],
        [(WaypointLabels.UseWaypoint, "none")],
    ];

    private static readonly ObjectKey[] Gateways =
        Keys.Select(k => k.Namespace).Distinct().SelectMany(ns => new[] { "w1", "w2", "c1" }.Select(n => new ObjectKey(ns, n))).ToArray();

    private static readonly ConsumerReader Reader = new(new StringPool());

    /// <summary>0-5 upsert, 6-7 delete, 8 relist, 9 bookmark; <c>Back</c> makes the event older than the last one.</summary>
    private sealed record Op(int Type, int Feed, int Key, int Labels, int Back, int[] Relisted)
    {
        public override string ToString() => $"{Type}/{Feed}/{Key}/{Labels}/{Back}/[{string.Join(",", Relisted)}]";
    }

    private static readonly Gen<Op> Ops = Gen.Select(Gen.Int[0, 9], Gen.Int[0, Feeds.Length - 1], Gen.Int[0, Keys.Length - 1], Gen.Int[0, LabelSets.Length - 1], Gen.Int[0, 3], Gen.Int[0, Keys.Length - 1].Array[0, 5])
        .Select((type, feed, key, labels, back, relisted) => new Op(type, feed, key, labels, back, relisted));

    private static EnrollingSubject Subject(SubjectKind kind, ObjectKey key, int labels)
    {
        var handled = HandledKinds.All.First(k => k.Subject == kind);
        var obj = new KubeObject
        {
            Metadata = new ObjectMeta { Name = key.Name, Namespace = key.Namespace, Labels = LabelSets[labels].ToDictionary(p => p.Key, p => (string?)p.Value) },
        };
        return Reader.Read(handled, obj)!;
    }

    [Fact]
    public void Lookups_match_a_scan_of_the_tables_after_any_history()
    {
        Ops.List[0, 40].Sample(history =>
        {
            var tables = Feeds.Select(_ => ResourceTable<EnrollingSubject>.Empty).ToArray();
            var index = ConsumerTable.Empty;
            ulong version = 10;
            foreach (var op in history)
            {
                var feed = Feeds[op.Feed];
                var key = Keys[op.Key];
                version += 1;
                var at = version - (ulong)op.Back;
                var before = tables[op.Feed];
                (tables[op.Feed], var change) = op.Type switch
                {
                    <= 5 => (before.Upserted(key, Subject(feed.Kind, key, op.Labels), at), TableChange.Of(key)),
                    <= 7 => (before.Deleted(key, at), TableChange.Of(key)),
                    8 => (before.Relisted(op.Relisted.Distinct().Select(k => (Keys[k], new Versioned<EnrollingSubject>(Subject(feed.Kind, Keys[k], (k + op.Labels) % LabelSets.Length), at))), at), TableChange.Whole),
                    _ => (before.Advanced(at), TableChange.None),
                };
                index = index.WithFeed(feed, tables[op.Feed], change);
            }

            AssertMatchesScan(tables, index);
        }, iter: 2_000);
    }

    private static void AssertMatchesScan(ResourceTable<EnrollingSubject>[] tables, ConsumerTable index)
    {
        // The scan: per kind and key, the newest copy any feed of the kind holds.
        var effective = new Dictionary<ConsumerKey, EnrollingSubject>();
        var versions = new Dictionary<ConsumerKey, ulong>();
        for (var i = 0; i < Feeds.Length; i++)
        {
            foreach (var (key, entry) in tables[i].Entries)
            {
                var consumer = new ConsumerKey(Feeds[i].Kind, key);
                if (!versions.TryGetValue(consumer, out var seen) || entry.ResourceVersion > seen)
                {
                    effective[consumer] = entry.Item;
                    versions[consumer] = entry.ResourceVersion;
                }
            }
        }

        static string Show(IEnumerable<EnrollingSubject> consumers) =>
            string.Join(" ", consumers.Select(c => $"{c.Object}:{c.Labels.Get(WaypointLabels.UseWaypoint)}:{c.Labels.Get(WaypointLabels.UseWaypointCanary)}").Order(StringComparer.Ordinal));

        Assert.Equal(effective.Count, index.Count);
        Assert.Equal(Show(effective.Values), Show(index.All));
        foreach (var gateway in Gateways)
        {
            Assert.Equal(Show(effective.Values.Where(c => ConsumerTargets.Of(c).Contains(gateway))), Show(index.Naming(gateway)));
        }

        foreach (var ns in Keys.Select(k => k.Namespace).Distinct())
        {
            Assert.Equal(Show(effective.Values.Where(c => c.ConsumerNamespace == ns)), Show(index.In(ns)));
        }

        Assert.Equal(Gateways.Count(g => effective.Values.Any(c => ConsumerTargets.Of(c).Contains(g))), index.TargetCount);
    }
}
