using WaypointWebhook.Policy;
using WaypointWebhook.Policy.Messages;

namespace WaypointWebhook.Hosting;

/// <summary>
/// A value from the request made fit for a log event: one line (control characters, line and paragraph
/// separators, bidi and other format characters escaped, see <see cref="SafeText"/>) and cut with an
/// ellipsis. With text logs an unescaped newline in a name would forge a log line; an escape sequence would
/// drive the terminal of whoever reads it.
/// </summary>
public static class LogValue
{
    /// <summary>Uids, kinds, operations: short by nature.</summary>
    public const int Short = 64;

    /// <summary>Namespaces and names (at most 253 characters in Kubernetes).</summary>
    public const int Name = 253;

    /// <summary>Error messages, which may quote a clipped user value.</summary>
    public const int Message = 512;

    public static string Clean(string? value, int maxLength) => value is null ? "-" : SafeText.Clip(value, maxLength);
}
