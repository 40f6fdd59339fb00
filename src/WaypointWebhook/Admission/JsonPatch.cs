using System.Text.Json;

namespace WaypointWebhook.Admission;

/// <summary>The JSON Patch (RFC 6902) that adds one label, as base64 for the AdmissionResponse.</summary>
public static class JsonPatch
{
    public const string PatchType = "JSONPatch";

    /// <summary>
    /// Adds the label <paramref name="key"/> to <paramref name="target"/>, the object under admission, with
    /// a patch that applies to it as it is: RFC 6902 "add" needs the parent of its path to exist, so an
    /// object without <c>metadata</c> (absent or null) gets <c>metadata</c> whole, one without
    /// <c>metadata.labels</c> gets the labels map whole, and only an existing map gets the one key.
    /// </summary>
    public static string AddLabel(Objects.KubeObject target, string key, string value)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(160);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            writer.WriteStartObject();
            writer.WriteString("op", "add");
            if (target.Metadata is null)
            {
                writer.WriteString("path", "/metadata");
                writer.WriteStartObject("value");
                writer.WriteStartObject("labels");
                writer.WriteString(key, value);
                writer.WriteEndObject();
                writer.WriteEndObject();
            }
            else if (target.Metadata.Labels is null)
            {
                writer.WriteString("path", "/metadata/labels");
                writer.WriteStartObject("value");
                writer.WriteString(key, value);
                writer.WriteEndObject();
            }
            else
            {
                writer.WriteString("path", "/metadata/labels/" + EscapePointer(key));
                writer.WriteString("value", value);
            }

            writer.WriteEndObject();
            writer.WriteEndArray();
        }

        return Convert.ToBase64String(buffer.WrittenSpan);
    }

    /// <summary>JSON Pointer escaping (RFC 6901): <c>~</c> is <c>~0</c>, <c>/</c> is <c>~1</c>.</summary>
    public static string EscapePointer(string token) => token.Replace("~", "~0").Replace("/", "~1");
}
