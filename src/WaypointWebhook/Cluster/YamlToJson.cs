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
    public static IEnumerable<byte[]> Documents(TextReader text) => Convert(text, record: false).Select(d => d.Json);

    /// <summary>
    /// Each document's JSON, and with <paramref name="record"/> where each of its fields is written (from the
    /// parser's marks) and its annotations' values; without, <see cref="YamlDocument.Fields"/> is null.
    /// </summary>
    internal static IEnumerable<YamlDocument> Convert(TextReader text, bool record)
    {
        var parser = new Parser(text);
        parser.Consume<StreamStart>();
        while (parser.TryConsume<DocumentStart>(out _))
        {
            var buffer = new ArrayBufferWriter<byte>(1024);
            var anchors = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            var fields = record ? new DocumentFields() : null;
            using (var writer = new Utf8JsonWriter(buffer))
            {
                if (parser.Accept<DocumentEnd>(out _))
                {
                    writer.WriteNullValue(); // an empty document
                }
                else
                {
                    fields?.Field(string.Empty, At(parser.Current!.Start));
                    WriteNode(parser, writer, buffer, anchors, fields, string.Empty, null);
                }
            }

            parser.Consume<DocumentEnd>();
            yield return new YamlDocument(buffer.WrittenSpan.ToArray(), fields);
        }

        parser.Consume<StreamEnd>();
    }

    /// <summary>YamlDotNet's marks are 1-based, lines and columns alike; a CRLF is one line break.</summary>
    private static TextPosition At(Mark mark) => new((int)mark.Line, (int)mark.Column);

    /// <param name="path">The node's field path; built only when <paramref name="fields"/> records.</param>
    /// <param name="key">The mapping key the node is the value of: it decides how the node's own keys are written.</param>
    private static void WriteNode(IParser parser, Utf8JsonWriter writer, ArrayBufferWriter<byte> buffer, Dictionary<string, byte[]> anchors, DocumentFields? fields, string path, string? key)
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
                fields?.Value(path, scalar.Value);
                break;
            case SequenceStart:
                parser.MoveNext();
                writer.WriteStartArray();
                for (var i = 0; !parser.TryConsume<SequenceEnd>(out _); i++)
                {
                    var item = fields is null ? path : FieldPath.Index(path, i);
                    fields?.Field(item, At(parser.Current!.Start));
                    WriteNode(parser, writer, buffer, anchors, fields, item, null);
                }

                writer.WriteEndArray();
                break;
            case MappingStart:
                parser.MoveNext();
                writer.WriteStartObject();
                while (!parser.TryConsume<MappingEnd>(out _))
                {
                    if (!parser.TryConsume<Scalar>(out var name))
                    {
                        throw new YamlException(parser.Current!.Start, parser.Current.End, "only scalar mapping keys are supported");
                    }

                    writer.WritePropertyName(name.Value);
                    var field = fields is null ? path : FieldPath.Key(path, key, name.Value);
                    fields?.Field(field, At(name.Start));
                    WriteNode(parser, writer, buffer, anchors, fields, field, name.Value);
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

/// <summary>One YAML document as JSON, with its recorded fields when asked for.</summary>
internal sealed record YamlDocument(byte[] Json, DocumentFields? Fields);
