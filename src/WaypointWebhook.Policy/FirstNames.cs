namespace WaypointWebhook.Policy;

/// <summary>
/// The first few names in ordinal order of however many are added, and their count: what a message lists of
/// 10,000 consumers without sorting them all.
/// </summary>
internal sealed class FirstNames(int keep)
{
    private readonly List<string> first = new(keep + 1);

    public int Total { get; private set; }

    public IReadOnlyList<string> Names => first;

    public void Add(string name)
    {
        Total++;
        if (first.Count == keep && string.CompareOrdinal(name, first[^1]) >= 0)
        {
            return;
        }

        var at = first.BinarySearch(name, StringComparer.Ordinal);
        first.Insert(at < 0 ? ~at : at, name);
        if (first.Count > keep)
        {
            first.RemoveAt(first.Count - 1);
        }
    }
}
