using System.Buffers;
using System.Globalization;
using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace WaypointWebhook.Cluster;

/// <summary>
/// Converts YAML documents to JSON with the YAML 1.2 core schema Kubernetes uses: a plain scalar that
/// reads as null, a boolean or a number becomes one; a quoted scalar is always a string. The JSON then
/// goes through the same decoder as admission requests, so files and the wire are read alike.
/// Streams parser events straight into JSON, one document at a time: a cluster state of 10,000
/// namespaces is never held as a YAML node tree.
/// </summary>
public static class YamlToJson
{
    public static IEnumerable<byte[]> Documents(TextReader text)
    {
        var parser = new Parser(text);
        parser.Consume<StreamStart>();
        while (parser.TryConsume<DocumentStart>(out _))
        {
            var buffer = new ArrayBufferWriter<byte>(1024);
            var anchors = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            using (var writer = new Utf8JsonWriter(buffer))
            {
                if (parser.Accept<DocumentEnd>(out _))
                {
                    writer.WriteNullValue(); // an empty document
                }
                else
                {
                    WriteNode(parser, writer, buffer, anchors);
                }
            }

            parser.Consume<DocumentEnd>();
            yield return buffer.WrittenSpan.ToArray();
        }

        parser.Consume<StreamEnd>();
    }

    private static void WriteNode(IParser parser, Utf8JsonWriter writer, ArrayBufferWriter<byte> buffer, Dictionary<string, byte[]> anchors)
    {
        if (parser.TryConsume<AnchorAlias>(out var alias))
        {
            if (!anchors.TryGetValue(alias.Value.Value, out var json))
            {
                throw new YamlException(alias.Start, alias.End, $"alias *{alias.Value.Value} refers to no anchor");
            }

            writer.WriteRawValue(json, skipInputValidation: true);
            return;
        }

        var node = (NodeEvent)parser.Current!;
        var anchored = !node.Anchor.IsEmpty;
        long start = 0;
        if (anchored)
        {
            writer.Flush();
            start = buffer.WrittenCount;
        }

        switch (node)
        {
            case Scalar scalar:
                parser.MoveNext();
                WriteScalar(writer, scalar);
                break;
            case SequenceStart:
                parser.MoveNext();
                writer.WriteStartArray();
                while (!parser.TryConsume<SequenceEnd>(out _))
                {
                    WriteNode(parser, writer, buffer, anchors);
                }

                writer.WriteEndArray();
                break;
            case MappingStart:
                parser.MoveNext();
                writer.WriteStartObject();
                while (!parser.TryConsume<MappingEnd>(out _))
                {
                    if (!parser.TryConsume<Scalar>(out var key))
                    {
                        throw new YamlException(parser.Current!.Start, parser.Current.End, "only scalar mapping keys are supported");
                    }

                    writer.WritePropertyName(key.Value);
                    WriteNode(parser, writer, buffer, anchors);
                }

                writer.WriteEndObject();
                break;
            default:
                throw new YamlException(node.Start, node.End, $"unexpected {node.GetType().Name}");
        }

        if (anchored)
        {
            // The anchored node's JSON, for its aliases; the writer may have put a list separator first.
            writer.Flush();
            var json = buffer.WrittenSpan[(int)start..].TrimStart((byte)',');
            anchors[node.Anchor.Value] = json.ToArray();
        }
    }

    private static void WriteScalar(Utf8JsonWriter writer, Scalar scalar)
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
