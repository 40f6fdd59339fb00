using System.Text;

namespace WaypointWebhook.Policy.Rules;

/// <summary>Small helpers for messages: user values are quoted safely and fixes suggested when obvious.</summary>
internal static class Text
{
    private const int MaxQuoted = 80;

    /// <summary>
    /// A user-supplied value made safe for a one-line message and an HTTP warning header: control and
    /// non-ASCII characters escaped, length capped.
    /// </summary>
    public static string Quote(string? value)
    {
        if (value is null)
        {
            return string.Empty;
        }

        var clean = true;
        foreach (var c in value)
        {
            if (c is < ' ' or > '~' or '"')
            {
                clean = false;
                break;
            }
        }

        if (clean && value.Length <= MaxQuoted)
        {
            return value;
        }

        var builder = new StringBuilder(Math.Min(value.Length, MaxQuoted) + 8);
        foreach (var c in value)
        {
            if (builder.Length >= MaxQuoted)
            {
                builder.Append("...");
                break;
            }

            builder.Append(c is < ' ' or > '~' or '"' ? $"\\u{(int)c:x4}" : c);
        }

        return builder.ToString();
    }

    /// <summary><c> (for example "name")</c> when the lowercase form of the value would be valid.</summary>
    public static string Suggest(string? value, Func<string, bool> isValid)
    {
        var lower = value?.Trim().ToLowerInvariant();
        return lower is not null && lower != value && isValid(lower) ? $" (for example \"{lower}\")" : string.Empty;
    }
}
