using System.Globalization;
using System.Text;

namespace WaypointWebhook.Policy.Messages;

/// <summary>
/// Text that stays one line wherever it goes: an admission message, an HTTP warning header, a log line, a
/// terminal. Every character that breaks a line or drives a terminal (Unicode categories Cc, Zl, Zp, and
/// Cf except the joiners that emoji sequences need, plus lone surrogates) is written as an escape
/// (<c>\u0085</c>, <c>\U0001d173</c>); text is cut on text-element (grapheme) boundaries only, never
/// inside a surrogate pair or an emoji sequence, and a cut ends with <see cref="Ellipsis"/>.
/// </summary>
public static class SafeText
{
    public const string Ellipsis = "…";

    /// <summary>Whether <paramref name="rune"/> must be escaped to keep text one line and inert on a terminal.</summary>
    public static bool MustEscape(Rune rune) => Rune.GetUnicodeCategory(rune) switch
    {
        UnicodeCategory.Control or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator => true,

        // Zero-width (non-)joiners and the tag characters of flag sequences only shape emoji; every other
        // format character (bidi overrides and isolates, BOM, soft hyphen, invisible operators) can reorder
        // or hide what a reader sees.
        UnicodeCategory.Format => rune.Value is not (0x200C or 0x200D) && rune.Value is not (>= 0xE0020 and <= 0xE007F),
        _ => false,
    };

    /// <summary>Whether <paramref name="text"/> holds nothing <see cref="OneLine"/> would change.</summary>
    public static bool IsOneLine(string text) => IsOneLine(text.AsSpan());

    public static bool IsOneLine(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];

            // Fast path: printable ASCII is never escaped.
            if (c is >= ' ' and < '\u007f')
            {
                continue;
            }

            if (Rune.DecodeFromUtf16(text[i..], out var rune, out var consumed) != System.Buffers.OperationStatus.Done || MustEscape(rune))
            {
                return false;
            }

            i += consumed - 1;
        }

        return true;
    }

    /// <summary><paramref name="text"/> with every line-breaking or terminal-driving character escaped, uncut.</summary>
    public static string OneLine(string? text) => text is null ? string.Empty : Clip(text, int.MaxValue);

    /// <summary>
    /// <paramref name="text"/> made one line and cut to at most <paramref name="maxLength"/> UTF-16 units
    /// (escapes included), on a text-element boundary, ending with <see cref="Ellipsis"/> when cut.
    /// </summary>
    public static string Clip(string? text, int maxLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, Ellipsis.Length);
        if (text is null)
        {
            return string.Empty;
        }

        if (text.Length <= maxLength && IsOneLine(text))
        {
            return text;
        }

        var builder = new StringBuilder(Math.Min(text.Length, maxLength) + 16);
        Append(builder, text.AsSpan(), maxLength);
        return builder.ToString();
    }

    /// <summary>
    /// Appends <paramref name="text"/> made one line, cut so that what is appended is at most
    /// <paramref name="maxLength"/> UTF-16 units; returns whether it was cut.
    /// </summary>
    public static bool Append(StringBuilder builder, ReadOnlySpan<char> text, int maxLength)
    {
        var start = builder.Length;
        var limit = maxLength - Ellipsis.Length;
        var position = 0;
        while (position < text.Length)
        {
            var elementLength = StringInfo.GetNextTextElementLength(text[position..]);
            var element = text.Slice(position, elementLength);
            var mark = builder.Length;
            if (mark - start + elementLength > maxLength)
            {
                // Too long even unescaped (an escape is never shorter): cut before it, without copying it.
                builder.Append(Ellipsis);
                return true;
            }

            if (IsOneLine(element))
            {
                builder.Append(element);
            }
            else
            {
                AppendEscaped(builder, element);
            }

            var written = builder.Length - start;
            var rest = text.Length - position - elementLength;

            // The last element may use the ellipsis's room: nothing is cut then.
            if (written > limit && (rest > 0 || written > maxLength))
            {
                builder.Length = mark;
                builder.Append(Ellipsis);
                return true;
            }

            position += elementLength;
        }

        return false;
    }

    private static void AppendEscaped(StringBuilder builder, ReadOnlySpan<char> element)
    {
        var i = 0;
        while (i < element.Length)
        {
            if (Rune.DecodeFromUtf16(element[i..], out var rune, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                // A lone surrogate: not text, and no encoder keeps it.
                builder.Append("\\u").Append(((int)element[i]).ToString("x4", CultureInfo.InvariantCulture));
                i++;
                continue;
            }

            if (!MustEscape(rune))
            {
                builder.Append(element.Slice(i, consumed));
            }
            else if (rune.IsBmp)
            {
                builder.Append("\\u").Append(rune.Value.ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append("\\U").Append(rune.Value.ToString("x8", CultureInfo.InvariantCulture));
            }

            i += consumed;
        }
    }
}
