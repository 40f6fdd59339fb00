namespace WaypointWebhook.Policy.Resolution;

/// <summary>Go's <c>strconv.Atoi</c> as istiod reads the canary weight (decision D9).</summary>
public static class GoInt
{
    /// <summary>
    /// An optional sign and decimal digits, nothing else: <c>+42</c> and <c>007</c> parse, <c>""</c>, <c> 5</c> and
    /// <c>5.0</c> do not. More than 18 digits is reported as not parsed: Go would overflow from 19 on, and no
    /// such value is a weight in 0..100 either way.
    /// </summary>
    public static bool TryAtoi(string? text, out long value)
    {
        value = 0;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var start = text[0] is '+' or '-' ? 1 : 0;
        if (start == text.Length || text.Length - start > 18)
        {
            return false;
        }

        for (var i = start; i < text.Length; i++)
        {
            if (!char.IsAsciiDigit(text[i]))
            {
                return false;
            }

            value = value * 10 + (text[i] - '0');
        }

        value = text[0] == '-' ? -value : value;
        return true;
    }
}
