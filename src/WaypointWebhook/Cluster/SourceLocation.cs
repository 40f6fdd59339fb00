namespace WaypointWebhook.Cluster;

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
