using WaypointWebhook.Cluster;

namespace WaypointWebhook.Cli;

/// <summary>A finding's place in a file.</summary>
/// <param name="File">As named on the command line (relative paths kept), or <c>&lt;stdin&gt;</c>.</param>
/// <param name="Object">Where the object starts: its first key, after any comments and <c>---</c>.</param>
/// <param name="Field">Where the finding's field is written (a label key, a listener), when it is.</param>
public sealed record FindingLocation(string File, TextPosition Object, TextPosition? Field)
{
    /// <summary>The most precise place: what text output and SARIF point at.</summary>
    public TextPosition At => Field ?? Object;

    public override string ToString() => $"{File}:{At.Line}";
}
