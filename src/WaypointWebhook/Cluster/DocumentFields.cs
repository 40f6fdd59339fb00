namespace WaypointWebhook.Cluster;

/// <summary>
/// What the readers note about one document while converting it: the position of every field and item
/// (by <see cref="FieldPath"/>, the document's root at the empty path) and the value of every annotation.
/// A <c>kind: List</c> document is split into its items afterwards (<see cref="Item"/>).
/// </summary>
internal sealed class DocumentFields
{
    private const string ItemsPrefix = "items[";
    private const string AnnotationsPrefix = "metadata.annotations[";

    private readonly Dictionary<string, TextPosition> positions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> values = new(StringComparer.Ordinal);
    private Dictionary<int, DocumentFields>? items;

    public void Field(string path, TextPosition at) => positions[path] = at;

    /// <summary>A scalar's value; only annotations are kept (suppressions are read from them).</summary>
    public void Value(string path, string value)
    {
        if (path.Contains(AnnotationsPrefix, StringComparison.Ordinal))
        {
            values[path] = value;
        }
    }

    public TextPosition Start => positions.GetValueOrDefault(string.Empty, new TextPosition(1, 1));

    public SourceLocation Location(string file) => new(file, Start, positions);

    /// <summary>The object's own annotations (<c>metadata.annotations</c>, not a pod template's).</summary>
    public IReadOnlyDictionary<string, string> Annotations() =>
        values.Where(v => v.Key.StartsWith(AnnotationsPrefix, StringComparison.Ordinal) && v.Key.IndexOf(']', AnnotationsPrefix.Length) == v.Key.Length - 1)
            .ToDictionary(v => v.Key[AnnotationsPrefix.Length..^1], v => v.Value, StringComparer.Ordinal);

    /// <summary>The fields of <c>items[index]</c>, with paths relative to the item.</summary>
    public DocumentFields Item(int index)
    {
        items ??= SplitItems();
        return items.TryGetValue(index, out var item) ? item : new DocumentFields();
    }

    // One pass over the document for all items: a List of thousands of objects stays linear.
    private Dictionary<int, DocumentFields> SplitItems()
    {
        var split = new Dictionary<int, DocumentFields>();
        foreach (var (path, at) in positions)
        {
            if (ItemOf(path) is var (index, rest))
            {
                Of(index).positions[rest] = at;
            }
        }

        foreach (var (path, value) in values)
        {
            if (ItemOf(path) is var (index, rest))
            {
                Of(index).values[rest] = value;
            }
        }

        return split;

        DocumentFields Of(int index) => split.TryGetValue(index, out var item) ? item : split[index] = new DocumentFields();
    }

    private static (int Index, string Path)? ItemOf(string path)
    {
        if (!path.StartsWith(ItemsPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var close = path.IndexOf(']', ItemsPrefix.Length);
        if (close < 0 || !int.TryParse(path.AsSpan(ItemsPrefix.Length, close - ItemsPrefix.Length), out var index))
        {
            return null;
        }

        var rest = path[(close + 1)..];
        return (index, rest.StartsWith('.') ? rest[1..] : rest);
    }
}
