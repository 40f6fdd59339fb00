using System.Buffers;
using System.Globalization;
using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace WaypointWebhook.Cluster;

/// <summary>
/// Converts YAML documents to JSON as <c>kubectl</c> does (sigs.k8s.io/yaml, which resolves plain scalars
/// with go-yaml v2's YAML 1.1 rules): a plain scalar that reads as null, a boolean (<c>yes</c>, <c>on</c>,
/// <c>y</c> too) or a number (hex, octal, binary, underscores) becomes one; a quoted scalar is always a
/// string. So a label written <c>enabled: yes</c> is a boolean here as there, and the file is refused as
/// kubectl refuses it. Differences left: a timestamp stays the string written (kubectl re-formats it),
/// and a <c>&lt;&lt;</c> merge key is an ordinary key; neither is anything the rules read. The JSON then
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
                    fields?.Field(string.Empty, At(Current(parser).Start));
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

        var node = (NodeEvent)Current(parser);
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
                    fields?.Field(item, At(Current(parser).Start));
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
                        throw new YamlException(Current(parser).Start, Current(parser).End, "only scalar mapping keys are supported");
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

    /// <summary>The parser's event; inside a document there always is one (the parser throws at a broken end).</summary>
    private static ParsingEvent Current(IParser parser) =>
        parser.Current ?? throw new YamlException("the YAML stream ended inside a document");

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
            case "true" or "True" or "TRUE" or "y" or "Y" or "yes" or "Yes" or "YES" or "on" or "On" or "ON":
                writer.WriteBooleanValue(true);
                return;
            case "false" or "False" or "FALSE" or "n" or "N" or "no" or "No" or "NO" or "off" or "Off" or "OFF":
                writer.WriteBooleanValue(false);
                return;
            case ".nan" or ".NaN" or ".NAN" or ".inf" or ".Inf" or ".INF" or "+.inf" or "+.Inf" or "+.INF" or "-.inf" or "-.Inf" or "-.INF":
                // kubectl converts to JSON, which has no NaN or infinity: it refuses the file, and so do we.
                throw new YamlException(scalar.Start, scalar.End, $"{value} is not a number JSON can hold (kubectl refuses it too); quote it to make it a string");
        }

        if (value[0] is '.' or '+' or '-' || char.IsAsciiDigit(value[0]))
        {
            var digits = value[0] == '.' ? value : value.Replace("_", string.Empty, StringComparison.Ordinal);
            if (value[0] != '.' && GoInteger(digits) is { } integer)
            {
                if (integer.Negative)
                {
                    writer.WriteNumberValue(integer.Magnitude == (ulong)long.MaxValue + 1 ? long.MinValue : -(long)integer.Magnitude);
                }
                else
                {
                    writer.WriteNumberValue(integer.Magnitude);
                }

                return;
            }

            if (YamlFloat(digits) && double.TryParse(digits, NumberStyles.Float, CultureInfo.InvariantCulture, out var real))
            {
                writer.WriteNumberValue(real);
                return;
            }
        }

        writer.WriteStringValue(value);
    }

    /// <summary>
    /// Go's <c>strconv.ParseInt(s, 0, 64)</c>, then <c>ParseUint</c>: an optional sign, then <c>0x</c> hex,
    /// <c>0o</c> or a leading <c>0</c> octal, <c>0b</c> binary, or decimal. Null when it is not one, or
    /// does not fit (a negative number then must fit a long).
    /// </summary>
    private static (bool Negative, ulong Magnitude)? GoInteger(string text)
    {
        var span = text.AsSpan();
        var negative = false;
        if (span.Length > 0 && span[0] is '+' or '-')
        {
            negative = span[0] == '-';
            span = span[1..];
        }

        var radix = 10;
        if (span.Length > 2 && span[0] == '0' && span[1] is 'x' or 'X' or 'o' or 'O' or 'b' or 'B')
        {
            radix = span[1] is 'x' or 'X' ? 16 : span[1] is 'o' or 'O' ? 8 : 2;
            span = span[2..];
        }
        else if (span.Length > 1 && span[0] == '0')
        {
            radix = 8;
            span = span[1..];
        }

        if (span.IsEmpty)
        {
            return null;
        }

        ulong magnitude = 0;
        foreach (var c in span)
        {
            var digit = char.IsAsciiDigit(c) ? c - '0' : char.IsAsciiLetter(c) ? char.ToLowerInvariant(c) - 'a' + 10 : int.MaxValue;
            if (digit >= radix || magnitude > (ulong.MaxValue - (ulong)digit) / (ulong)radix)
            {
                return null;
            }

            magnitude = (magnitude * (ulong)radix) + (ulong)digit;
        }

        return negative && magnitude > (ulong)long.MaxValue + 1 ? null : (negative, magnitude);
    }

    /// <summary>go-yaml v2's float pattern: <c>^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$</c>.</summary>
    private static bool YamlFloat(string text)
    {
        var i = 0;
        if (i < text.Length && text[i] is '+' or '-')
        {
            i++;
        }

        var whole = Digits(text, ref i);
        if (i < text.Length && text[i] == '.')
        {
            i++;
            if (Digits(text, ref i) == 0 && whole == 0)
            {
                return false;
            }
        }
        else if (whole == 0)
        {
            return false;
        }

        if (i < text.Length && text[i] is 'e' or 'E')
        {
            i++;
            if (i < text.Length && text[i] is '+' or '-')
            {
                i++;
            }

            if (Digits(text, ref i) == 0)
            {
                return false;
            }
        }

        return i == text.Length;
    }

    private static int Digits(string text, ref int i)
    {
        var start = i;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
        }

        return i - start;
    }
}
