using System.Text;
using System.Text.Json;

namespace WaypointWebhook.Cluster;

/// <summary>
/// Records where the fields of a JSON value are, as <see cref="YamlToJson"/> does for YAML from the
/// parser's marks. Utf8JsonReader only knows byte offsets (<see cref="Utf8JsonReader.TokenStartIndex"/>),
/// so a <see cref="LineMap"/> of the whole file turns them into lines and columns.
/// </summary>
internal static class JsonPositions
{
    /// <summary>
    /// Walks the value that starts at the reader's current token. The reader is a copy (a struct): the
    /// caller's reader stays where it is, for the deserializer to read the same value.
    /// </summary>
    public static DocumentFields Record(Utf8JsonReader reader, LineMap lines)
    {
        var fields = new DocumentFields();
        fields.Field(string.Empty, lines.At(reader.TokenStartIndex));
        Walk(ref reader, lines, fields, string.Empty, null);
        return fields;
    }

    private static void Walk(ref Utf8JsonReader reader, LineMap lines, DocumentFields fields, string path, string? key)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var name = (reader.GetString() ?? string.Empty);
                    var field = FieldPath.Key(path, key, name);
                    fields.Field(field, lines.At(reader.TokenStartIndex));
                    reader.Read();
                    Walk(ref reader, lines, fields, field, name);
                }

                break;
            case JsonTokenType.StartArray:
                for (var i = 0; reader.Read() && reader.TokenType != JsonTokenType.EndArray; i++)
                {
                    var item = FieldPath.Index(path, i);
                    fields.Field(item, lines.At(reader.TokenStartIndex));
                    Walk(ref reader, lines, fields, item, null);
                }

                break;
            case JsonTokenType.String:
                fields.Value(path, (reader.GetString() ?? string.Empty));
                break;
        }
    }
}
