using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Cluster;

/// <summary>
/// What one write did to a <see cref="ResourceTable{T}"/>: nothing to its items (a bookmark), one key (a
/// watch event, a confirmation), or anything (a relist). Indexes over the table follow a one-key change
/// in O(log n) instead of comparing the tables whole.
/// </summary>
public readonly record struct TableChange
{
    private TableChange(ObjectKey? key, bool whole)
    {
        Key = key;
        IsWhole = whole;
    }

    public static TableChange None => default;

    public static TableChange Whole => new(null, whole: true);

    /// <summary>The one key that may have changed; null for <see cref="None"/> and <see cref="Whole"/>.</summary>
    public ObjectKey? Key { get; }

    public bool IsWhole { get; }

    public static TableChange Of(ObjectKey key) => new(key, whole: false);
}
