namespace WaypointWebhook.Cluster;

/// <summary>
/// A 1-based line and column in a file's text. Columns count UTF-16 code units, SARIF's default column
/// kind and what an editor's cursor shows; a byte order mark is not part of the first line.
/// </summary>
public readonly record struct TextPosition(int Line, int Column)
{
    public override string ToString() => $"{Line}:{Column}";
}

/// <summary>
/// Where an object of a manifest is written: the file as it was named (a path as given on the command
/// line, or <c>&lt;stdin&gt;</c>), where the object starts, and where each of its fields is. Kept beside
/// the object, never in it: the rules read <see cref="Objects.KubeObject"/> alike from files and the wire.
/// </summary>
/// <param name="Fields">Field path (<see cref="FieldPath"/>) to the position of the field's key, or of the item in a list.</param>
public sealed record SourceLocation(string File, TextPosition Start, IReadOnlyDictionary<string, TextPosition> Fields)
{
    /// <summary>
    /// The position of <paramref name="field"/> as a finding names it, else of the nearest enclosing field
    /// written in the file (a label that comes from a YAML alias is at the alias); null when none is.
    /// </summary>
    public TextPosition? Find(string field)
    {
        for (string? path = field; !string.IsNullOrEmpty(path); path = FieldPath.Parent(path))
        {
            if (Fields.TryGetValue(path, out var position))
            {
                return position;
            }
        }

        return null;
    }
}

/// <summary>
/// Field paths in the syntax findings use: <c>spec.listeners[0].allowedRoutes</c>, and label or annotation
/// keys in brackets, as they hold dots and slashes: <c>metadata.labels[istio.io/use-waypoint]</c>.
/// </summary>
public static class FieldPath
{
    public static string Key(string parent, string? parentKey, string key) =>
        parentKey is "labels" or "annotations" or "matchLabels" ? $"{parent}[{key}]"
        : parent.Length == 0 ? key
        : $"{parent}.{key}";

    public static string Index(string parent, int index) => $"{parent}[{index}]";

    /// <summary>The path without its last segment; empty for a top-level field.</summary>
    public static string Parent(string path)
    {
        // A bracketed segment may hold dots (a label key), so it is cut whole.
        var cut = path.EndsWith(']') ? path.LastIndexOf('[') : Math.Max(path.LastIndexOf('.'), path.LastIndexOf(']') + 1);
        return cut <= 0 ? string.Empty : path[..cut].TrimEnd('.');
    }
}
