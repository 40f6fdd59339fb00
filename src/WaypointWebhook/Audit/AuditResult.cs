using WaypointWebhook.Policy;
using WaypointWebhook.Policy.Messages;
using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Audit;

/// <summary>
/// One pass of the audit over one cluster view: the unbound consumers <see cref="WaypointPolicy.Audit"/> finds,
/// sorted by namespace, kind, name, with the count per kind and reason. Immutable: readers (the endpoint, the
/// gauge, <c>analyze</c>) share it while the next pass builds its own.
/// </summary>
public sealed class AuditResult
{
    /// <summary>The items one answer shows at most: 1,000 items of about 300 bytes; the counts cover the rest.</summary>
    public const int MaxItems = 1000;

    /// <summary>A message is the policy's (names in it already clipped); this bounds it whatever the rule wrote.</summary>
    public const int MaxMessageLength = 512;

    private readonly UnboundConsumer[] items;

    private AuditResult(UnboundConsumer[] items, int consumers)
    {
        this.items = items;
        Consumers = consumers;
        Counts = CountsOf(items);
    }

    /// <summary>How many consumers were judged.</summary>
    public int Consumers { get; }

    /// <summary>The unbound consumers, sorted.</summary>
    public IReadOnlyList<UnboundConsumer> Items => items;

    /// <summary>By kind and reason (sorted so), what the gauge <c>waypoint_webhook_unbound_consumers{kind,reason}</c> exports.</summary>
    public IReadOnlyList<UnboundCount> Counts { get; }

    /// <summary>Judges every consumer of <paramref name="view"/>: the one evaluation path of <c>serve</c>'s audit and of <c>analyze</c>.</summary>
    public static AuditResult Of(WaypointPolicy policy, IClusterView view) =>
        new([.. policy.Audit(view).Order(Ordering.Instance)], view.Consumers.Count);

    /// <summary>The consumers a namespace holds (a Namespace is in itself; null: all), counted, the first <paramref name="maxItems"/> listed.</summary>
    public UnboundList List(string? @namespace, int maxItems = MaxItems)
    {
        var selected = @namespace is null ? items : Array.FindAll(items, u => NamespaceOf(u) == @namespace);
        var shown = selected.Take(maxItems).Select(u => new UnboundItem(u.Object.Namespace, u.Object.Name, u.Object.Kind, u.Reason, SafeText.Clip(u.Message, MaxMessageLength))).ToList();
        return new UnboundList(Consumers, selected.Length, selected.Length - shown.Count, ReferenceEquals(selected, items) ? Counts : CountsOf(selected), shown);
    }

    /// <summary>The namespace a consumer belongs to: its own, or for a Namespace its name.</summary>
    private static string NamespaceOf(UnboundConsumer consumer) => consumer.Object.Namespace ?? consumer.Object.Name;

    private static List<UnboundCount> CountsOf(IEnumerable<UnboundConsumer> consumers) =>
        consumers
            .GroupBy(u => (u.Object.Kind, u.Reason))
            .Select(g => new UnboundCount(g.Key.Kind, g.Key.Reason, g.LongCount()))
            .OrderBy(c => c.Kind, StringComparer.Ordinal)
            .ThenBy(c => c.Reason, StringComparer.Ordinal)
            .ToList();

    /// <summary>Namespace, kind, name, then reason and rule: a total order, so every replica lists the same state alike.</summary>
    private sealed class Ordering : IComparer<UnboundConsumer>
    {
        public static readonly Ordering Instance = new();

        public int Compare(UnboundConsumer? x, UnboundConsumer? y)
        {
            if (x is null || y is null)
            {
                return x is null ? (y is null ? 0 : -1) : 1;
            }

            var order = string.CompareOrdinal(NamespaceOf(x), NamespaceOf(y));
            order = order != 0 ? order : string.CompareOrdinal(x.Object.Kind, y.Object.Kind);
            order = order != 0 ? order : string.CompareOrdinal(x.Object.Name, y.Object.Name);
            order = order != 0 ? order : string.CompareOrdinal(x.Reason, y.Reason);
            return order != 0 ? order : string.CompareOrdinal(x.Rule, y.Rule);
        }
    }
}
