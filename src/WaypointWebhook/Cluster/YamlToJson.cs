using System.Globalization;
using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace WaypointWebhook.Cluster;

/// <summary>
/// Converts YAML documents to JSON with the YAML 1.2 core schema Kubernetes uses: a plain scalar that
/// reads as null, a boolean or a number becomes one; a quoted scalar is always a string. The JSON then
/// goes through the same decoder as admission requests, so files and the wire are read alike.
/// </summary>
public static class YamlToJson
{
    public static IEnumerable<byte[]> Documents(TextReader text)
    {
        var stream = new YamlStream();
        stream.Load(text);
        foreach (var document in stream.Documents)
        {
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                Write(writer, document.RootNode);
            }

            yield return buffer.ToArray();
        }
    }

    private static void Write(Utf8JsonWriter writer, YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                writer.WriteStartObject();
                foreach (var (key, value) in mapping.Children)
                {
                    writer.WritePropertyName(key is YamlScalarNode scalarKey ? scalarKey.Value ?? string.Empty : key.ToString());
                    Write(writer, value);
                }

                writer.WriteEndObject();
                break;
            case YamlSequenceNode sequence:
                writer.WriteStartArray();
                foreach (var item in sequence.Children)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case YamlScalarNode scalar:
                WriteScalar(writer, scalar);
                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }

    private static void WriteScalar(Utf8JsonWriter writer, YamlScalarNode scalar)
    {
        var value = scalar.Value ?? string.Empty;
        var plain = scalar.Style is ScalarStyle.Plain or ScalarStyle.Any && scalar.Tag.IsEmpty;
        if (!plain)
        {
            writer.WriteStringValue(value);
            return;
        }

        switch (value)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                writer.WriteNullValue();
                return;
            case "true" or "True" or "TRUE":
                writer.WriteBooleanValue(true);
                return;
            case "false" or "False" or "FALSE":
                writer.WriteBooleanValue(false);
                return;
        }

        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            writer.WriteNumberValue(integer);
        }
        else if (LooksNumeric(value) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && double.IsFinite(real))
        {
            writer.WriteNumberValue(real);
        }
        else
        {
            writer.WriteStringValue(value);
        }
    }

    /// <summary>YAML 1.2 core floats: digits with an optional dot and exponent (not "Infinity" or "1_000").</summary>
    private static bool LooksNumeric(string value)
    {
        var digits = false;
        foreach (var c in value)
        {
            if (char.IsAsciiDigit(c))
            {
                digits = true;
            }
            else if (c is not ('.' or 'e' or 'E' or '+' or '-'))
            {
                return false;
            }
        }

        return digits;
    }
}
