namespace WaypointWebhook.Cli;

/// <summary>
/// A finding's level, in istioctl's words: a deny is an Error, a warn a Warning. Ordered, for
/// <c>--failure-threshold</c> and <c>--output-threshold</c>.
/// </summary>
public enum FindingLevel
{
    Warning = 1,
    Error = 2,
}
