using System.Text.Json;

namespace WaypointWebhook.Objects;

/// <summary>What a JSON reader's error means to the person who wrote the input: one home for files and the wire.</summary>
public static class JsonErrors
{
    /// <summary>
    /// The reader's complaint without .NET type names: a syntax error with its position, or the field
    /// whose value has the wrong type. YAML goes through JSON, whose positions would mislead: omitted.
    /// </summary>
    public static string Describe(JsonException e, bool withPosition = true)
    {
        var line = withPosition && e.LineNumber is { } l ? $" (line {l + 1}, byte {e.BytePositionInLine + 1})" : string.Empty;
        if (e.InnerException?.GetType().Name == "JsonReaderException")
        {
            var reason = e.InnerException.Message;
            var cut = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
            return $"invalid JSON{line}: {(cut > 0 ? reason[..cut] : reason)}";
        }

        var field = e.Path?.TrimStart('$', '.');

        // A converter's own message (System.Text.Json appends " Path: " only to its default ones) says more
        // than "wrong type": for example which annotation must be a string.
        if (e.InnerException is null && !string.IsNullOrEmpty(field) && !e.Message.Contains(" Path: ", StringComparison.Ordinal))
        {
            return $"field {field}: {e.Message}{line}";
        }

        return string.IsNullOrEmpty(field) ? $"expected a JSON object{line}" : $"field {field} has the wrong type{line}";
    }
}
