using System.Text;

namespace WaypointWebhook.Policy.Messages;

/// <summary>Small helpers for messages: user values are quoted safely and fixes suggested when obvious.</summary>
internal static class Text
{
    /// <summary>At most this many characters of a quoted user value (escapes included), then an ellipsis.</summary>
    public const int MaxQuoted = 80;

    /// <summary>At most this many characters of an object or namespace name in a message, then an ellipsis.</summary>
    public const int MaxName = 128;

    /// <summary>
    /// A user-supplied value made safe for a one-line message and an HTTP warning header: control and
    /// non-ASCII characters and <c>"</c> escaped, at most <see cref="MaxQuoted"/> characters, cut with an
    /// ellipsis. Only the first characters are ever read, so a huge value costs no more than a short one.
    /// </summary>
    public static string Quote(string? value)
    {
        if (value is null)
        {
            return string.Empty;
        }

        var clean = value.Length <= MaxQuoted;
        for (var i = 0; clean && i < value.Length; i++)
        {
            clean = value[i] is >= ' ' and <= '~' and not '"';
        }

        if (clean)
        {
            return value;
        }

        var builder = new StringBuilder(MaxQuoted + 8);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            var escaped = c is < ' ' or > '~' or '"';
            if (builder.Length + (escaped ? 6 : 1) > MaxQuoted - SafeText.Ellipsis.Length && i < value.Length - 1
                || builder.Length + (escaped ? 6 : 1) > MaxQuoted)
            {
                builder.Append(SafeText.Ellipsis);
                break;
            }

            if (escaped)
            {
                builder.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <summary>An object or namespace name as a message shows it: one line, at most <see cref="MaxName"/> characters.</summary>
    public static string Name(string? name) => SafeText.Clip(name, MaxName);

    /// <summary><c> (for example "name")</c> when the lowercase form of the value would be valid.</summary>
    public static string Suggest(string? value, Func<string, bool> isValid)
    {
        if (value is null || value.Length > KubernetesNamesMax)
        {
            return string.Empty;
        }

        var lower = value.Trim().ToLowerInvariant();
        return lower != value && isValid(lower) ? $" (for example \"{lower}\")" : string.Empty;
    }

    /// <summary>No valid name or label value is longer: a longer value has no lowercase form worth suggesting.</summary>
    private const int KubernetesNamesMax = 253;
}
