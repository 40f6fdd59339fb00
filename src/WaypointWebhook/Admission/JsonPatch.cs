using System.Text.Json;

namespace WaypointWebhook.Admission;

/// <summary>The JSON Patch (RFC 6902) of the mutation: a label, and the annotation that records it, as base64 for the AdmissionResponse.</summary>
public static class JsonPatch
{
    public const string PatchType = "JSONPatch";

    /// <summary>
    /// Adds the label <paramref name="key"/> to <paramref name="target"/>, the object under admission, with
    /// a patch that applies to it as it is: RFC 6902 "add" needs the parent of its path to exist, so an
    /// object without <c>metadata</c> (absent or null) gets <c>metadata</c> whole, one without
    /// <c>metadata.labels</c> gets the labels map whole, and only an existing map gets the one key.
    /// </summary>
    public static string AddLabel(Objects.KubeObject target, string key, string value) => Add(target, (key, value), null);

    /// <summary>
    /// Adds a label and an annotation (the mutation's stamp and its record, spec section 6) in one patch, each
    /// map added whole when the object has none (absent or null) and only the key otherwise.
    /// </summary>
    public static string AddLabelAndAnnotation(Objects.KubeObject target, (string Key, string Value) label, (string Key, string Value) annotation) =>
        Add(target, label, annotation);

    private static string Add(Objects.KubeObject target, (string Key, string Value) label, (string Key, string Value)? annotation)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            if (target.Metadata is null)
            {
                writer.WriteStartObject();
                writer.WriteString("op", "add");
                writer.WriteString("path", "/metadata");
                writer.WriteStartObject("value");
                WriteMap(writer, "labels", label);
                if (annotation is { } a)
                {
                    WriteMap(writer, "annotations", a);
                }

                writer.WriteEndObject();
                writer.WriteEndObject();
            }
            else
            {
                AddToMap(writer, "labels", target.Metadata.Labels is not null, label);
                if (annotation is { } a)
                {
                    AddToMap(writer, "annotations", target.Metadata.Annotations is not null, a);
                }
            }

            writer.WriteEndArray();
        }

        return Convert.ToBase64String(buffer.WrittenSpan);
    }

    /// <summary>One "add" operation: the key into an existing map, or the map whole.</summary>
    private static void AddToMap(Utf8JsonWriter writer, string map, bool exists, (string Key, string Value) entry)
    {
        writer.WriteStartObject();
        writer.WriteString("op", "add");
        if (exists)
        {
            writer.WriteString("path", $"/metadata/{map}/" + EscapePointer(entry.Key));
            writer.WriteString("value", entry.Value);
        }
        else
        {
            writer.WriteString("path", $"/metadata/{map}");
            writer.WriteStartObject("value");
            writer.WriteString(entry.Key, entry.Value);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static void WriteMap(Utf8JsonWriter writer, string map, (string Key, string Value) entry)
    {
        writer.WriteStartObject(map);
        writer.WriteString(entry.Key, entry.Value);
        writer.WriteEndObject();
    }

    /// <summary>JSON Pointer escaping (RFC 6901): <c>~</c> is <c>~0</c>, <c>/</c> is <c>~1</c>.</summary>
    public static string EscapePointer(string token) => token.Replace("~", "~0").Replace("/", "~1");
}
