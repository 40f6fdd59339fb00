using System.Text;
using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Admission;

/// <summary>The text of an answer: the deny message and the warnings, as the API server shows them.</summary>
public static class AdmissionMessages
{
    /// <summary>The API server shows at most this much of one warning.</summary>
    public const int MaxWarningLength = 256;

    /// <summary>One line with every deny finding and its reason code, as <c>kubectl</c> prints it.</summary>
    public static string DenyMessage(IReadOnlyList<Finding> denials)
    {
        var message = new StringBuilder();
        foreach (var finding in denials)
        {
            if (message.Length > 0)
            {
                message.Append(' ');
            }

            message.Append('[').Append(finding.Reason).Append("] ").Append(finding.Message);
        }

        return OneLine(message.ToString());
    }

    /// <summary>A warning as the API server accepts it: one line of at most 256 characters.</summary>
    public static string Warning(Finding finding)
    {
        var text = OneLine($"[{finding.Reason}] {finding.Message}");
        return text.Length <= MaxWarningLength ? text : string.Concat(text.AsSpan(0, MaxWarningLength - 3), "...");
    }

    /// <summary>
    /// Messages quote user values safely already; object names and namespaces come from the request, so
    /// any control character left is escaped here: a warning is an HTTP header, a denial one line.
    /// </summary>
    public static string OneLine(string text)
    {
        if (!text.AsSpan().ContainsAnyInRange('\u0000', '\u001f') && !text.Contains('\u007f'))
        {
            return text;
        }

        var clean = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            if (c < ' ' || c == '\u007f')
            {
                clean.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                clean.Append(c);
            }
        }

        return clean.ToString();
    }

}
