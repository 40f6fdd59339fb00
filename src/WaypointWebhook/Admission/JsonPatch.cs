using System.Text.Json;

namespace WaypointWebhook.Admission;

/// <summary>The JSON Patch (RFC 6902) that adds one label, as base64 for the AdmissionResponse.</summary>
public static class JsonPatch
{
    public const string PatchType = "JSONPatch";

    /// <summary>Adds the label <paramref name="key"/> to <paramref name="target"/>, the object under admission.</summary>
    public static string AddLabel(Objects.KubeObject target, string key, string value) =>
        AddLabel(key, value, hasLabels: target.Metadata?.Labels is not null);

    /// <param name="hasLabels">Whether the object has a <c>metadata.labels</c> map to add into.</param>
    private static string AddLabel(string key, string value, bool hasLabels)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(160);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            writer.WriteStartObject();
            writer.WriteString("op", "add");
            if (hasLabels)
            {
                writer.WriteString("path", "/metadata/labels/" + EscapePointer(key));
                writer.WriteString("value", value);
            }
            else
            {
                // "add" at /metadata/labels/x fails when the map is absent: add the whole map instead.
                writer.WriteString("path", "/metadata/labels");
                writer.WriteStartObject("value");
                writer.WriteString(key, value);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
            writer.WriteEndArray();
        }

        return Convert.ToBase64String(buffer.WrittenSpan);
    }

    /// <summary>JSON Pointer escaping (RFC 6901): <c>~</c> is <c>~0</c>, <c>/</c> is <c>~1</c>.</summary>
    public static string EscapePointer(string token) => token.Replace("~", "~0").Replace("/", "~1");
}
