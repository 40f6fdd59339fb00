using System.Text.Json;
using System.Text.Json.Serialization;
using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Objects;

/// <summary>Reads an annotations map, keeping the one annotation the rules read.</summary>
public sealed class InboundBindingAnnotationConverter : JsonConverter<string?>
{
    public override bool HandleNull => true;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("metadata.annotations must be an object");
        }

        string? binding = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var wanted = reader.ValueTextEquals(WaypointLabels.InboundBindingAnnotation);
            reader.Read();
            if (wanted && reader.TokenType == JsonTokenType.String)
            {
                binding = reader.GetString();
            }
            else
            {
                reader.Skip();
            }
        }

        return binding;
    }

    public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        if (value is not null)
        {
            writer.WriteString(WaypointLabels.InboundBindingAnnotation, value);
        }

        writer.WriteEndObject();
    }
}
