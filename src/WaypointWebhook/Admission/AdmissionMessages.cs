using System.Globalization;
using System.Text;
using WaypointWebhook.Policy;
using WaypointWebhook.Policy.Messages;
using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Admission;

/// <summary>
/// The text of an answer: the deny message and the warnings, as the API server shows them, within the
/// bounds of spec section 8 (<see cref="AnswerBounds"/>) whatever the number and size of the findings.
/// Every piece is one line (<see cref="SafeText"/>) and cut on character boundaries.
/// </summary>
public static class AdmissionMessages
{
    /// <summary>The API server shows at most this much of one warning.</summary>
    public const int MaxWarningLength = AnswerBounds.MaxWarningLength;

    /// <summary>One finding's share of the deny message, in characters, so that several fit.</summary>
    public const int MaxDenialLength = 1024;

    /// <summary>
    /// One line with the deny findings and their reason codes, as <c>kubectl</c> prints it: at most
    /// <see cref="AnswerBounds.MaxDenialsShown"/> of them and <see cref="AnswerBounds.MaxDenyMessageBytes"/>
    /// bytes, then <c>… and N more</c>.
    /// </summary>
    public static string DenyMessage(IReadOnlyList<Finding> denials)
    {
        var message = new StringBuilder();
        var bytes = 0;
        var shown = 0;
        foreach (var finding in denials)
        {
            if (shown == AnswerBounds.MaxDenialsShown)
            {
                break;
            }

            var piece = Piece(finding, MaxDenialLength);
            var pieceBytes = Encoding.UTF8.GetByteCount(piece) + (shown > 0 ? 1 : 0);

            // Room for this piece and for the summary of whatever follows it.
            var reserve = shown + 1 < denials.Count ? Encoding.UTF8.GetByteCount(More(denials.Count - shown - 1)) + 1 : 0;
            if (bytes + pieceBytes + reserve > AnswerBounds.MaxDenyMessageBytes)
            {
                break;
            }

            if (shown > 0)
            {
                message.Append(' ');
            }

            message.Append(piece);
            bytes += pieceBytes;
            shown++;
        }

        if (shown < denials.Count)
        {
            message.Append(shown > 0 ? " " : string.Empty).Append(More(denials.Count - shown));
        }

        return message.ToString();
    }

    /// <summary>
    /// The warnings as the API server keeps them: each one line of at most 256 characters, together at most
    /// 4,096, at most <see cref="AnswerBounds.MaxWarningsShown"/>; what does not fit is counted in a last
    /// <c>… and N more warnings</c>.
    /// </summary>
    public static List<string> Warnings(IReadOnlyList<Finding> findings)
    {
        var warnings = new List<string>(Math.Min(findings.Count, AnswerBounds.MaxWarningsShown));
        var total = 0;
        for (var i = 0; i < findings.Count; i++)
        {
            var left = findings.Count - i - 1;
            var reserve = left > 0 ? MoreWarnings(left).Length : 0;
            var room = warnings.Count + 1 < AnswerBounds.MaxWarningsShown || left == 0;
            var text = Warning(findings[i]);
            if (!room || total + text.Length + reserve > AnswerBounds.MaxWarningsTotalLength)
            {
                warnings.Add(MoreWarnings(findings.Count - i));
                break;
            }

            warnings.Add(text);
            total += text.Length;
        }

        return warnings;
    }

    /// <summary>A warning as the API server accepts it: one line of at most 256 characters.</summary>
    public static string Warning(Finding finding) => Piece(finding, MaxWarningLength);

    /// <summary>
    /// Messages quote user values safely already; object names and namespaces come from the request, so
    /// anything left that would break a line or drive a terminal is escaped here: a warning is an HTTP
    /// header, a denial one line.
    /// </summary>
    public static string OneLine(string text) => SafeText.OneLine(text);

    /// <summary><c>[Reason] message</c>, one line, at most <paramref name="maxLength"/> characters.</summary>
    private static string Piece(Finding finding, int maxLength)
    {
        // The usual case: both parts already one line and the whole within the length, so there is nothing
        // to escape or cut and the text-element walk of SafeText.Append (most of a denial's message cost
        // when profiled) would copy them unchanged.
        if (finding.Reason.Length <= MaxReasonLength
            && finding.Reason.Length + finding.Message.Length + 3 <= maxLength
            && SafeText.IsOneLine(finding.Reason)
            && SafeText.IsOneLine(finding.Message))
        {
            return string.Concat("[", finding.Reason, "] ", finding.Message);
        }

        var text = new StringBuilder(Math.Min(maxLength, finding.Message.Length + finding.Reason.Length + 3) + 8);
        text.Append('[');
        SafeText.Append(text, finding.Reason, MaxReasonLength);
        text.Append("] ");
        SafeText.Append(text, finding.Message, maxLength - text.Length);
        return text.ToString();
    }

    private const int MaxReasonLength = 64;

    private static string More(int count) => string.Create(CultureInfo.InvariantCulture, $"{SafeText.Ellipsis} and {count} more");

    private static string MoreWarnings(int count) =>
        string.Create(CultureInfo.InvariantCulture, $"{SafeText.Ellipsis} and {count} more {(count == 1 ? "warning" : "warnings")}");
}
