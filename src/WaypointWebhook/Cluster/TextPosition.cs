namespace WaypointWebhook.Cluster;

/// <summary>
/// A 1-based line and column in a file's text. Columns count UTF-16 code units, SARIF's default column
/// kind and what an editor's cursor shows; a byte order mark is not part of the first line.
/// </summary>
public readonly record struct TextPosition(int Line, int Column)
{
    public override string ToString() => $"{Line}:{Column}";
}
