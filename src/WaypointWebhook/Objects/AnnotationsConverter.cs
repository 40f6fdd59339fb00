using System.Text.Json;
using System.Text.Json.Serialization;
using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Objects;

/// <summary>
/// Reads an annotations map, keeping the few annotations the rules read (<see cref="KeptAnnotations"/>) and
/// materializing no other value (a <c>last-applied-configuration</c> is tens of kilobytes on every object
/// applied by kubectl).
/// </summary>
/// <remarks>
/// Annotations are <c>map[string]string</c>: every value is one string (or null) token, so the map is
/// walked token by token and nothing is ever skipped. That matters: <see cref="Utf8JsonReader.Skip"/>
/// throws whenever the reader holds a partial buffer, which is how the serializer hands a converter
/// its input when it reads a stream (a list response, a watch): the whole value is buffered, but the
/// reader is not a final block. A value of any other type is a JSON error naming the annotation.
/// </remarks>
public sealed class AnnotationsConverter : JsonConverter<KeptAnnotations?>
{
    public override bool HandleNull => true;

    public override KeptAnnotations? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("metadata.annotations must be an object of strings");
        }

        var kept = new KeptAnnotations();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string? wanted = null;
            foreach (var key in KeptAnnotations.Keys)
            {
                if (reader.ValueTextEquals(key))
                {
                    wanted = key;
                    break;
                }
            }

            reader.Read();
            switch (reader.TokenType)
            {
                case JsonTokenType.String when wanted is not null:
                    kept.Set(wanted, reader.GetString() ?? string.Empty);
                    break;
                case JsonTokenType.String or JsonTokenType.Null:
                    break;
                default:
                    throw new JsonException(wanted is not null
                        ? $"annotation {wanted} must be a string"
                        : "metadata.annotations values must be strings");
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject)
        {
            throw new JsonException("metadata.annotations must be an object of strings");
        }

        return kept;
    }

    public override void Write(Utf8JsonWriter writer, KeptAnnotations? value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var (key, text) in value?.ToDictionary() ?? new Dictionary<string, string>())
        {
            writer.WriteString(key, text);
        }

        writer.WriteEndObject();
    }
}
