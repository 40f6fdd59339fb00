namespace WaypointWebhook.Cluster;

/// <summary>
/// Field paths in the syntax findings use: <c>spec.listeners[0].allowedRoutes</c>, and label or annotation
/// keys in brackets, as they hold dots and slashes: <c>metadata.labels[istio.io/use-waypoint]</c>.
/// </summary>
public static class FieldPath
{
    public static string Key(string parent, string? parentKey, string key) =>
        parentKey is "labels" or "annotations" or "matchLabels" ? $"{parent}[{key}]"
        : parent.Length == 0 ? key
        : $"{parent}.{key}";

    public static string Index(string parent, int index) => $"{parent}[{index}]";

    /// <summary>The path without its last segment; empty for a top-level field.</summary>
    public static string Parent(string path)
    {
        // A bracketed segment may hold dots (a label key), so it is cut whole.
        var cut = path.EndsWith(']') ? path.LastIndexOf('[') : Math.Max(path.LastIndexOf('.'), path.LastIndexOf(']') + 1);
        return cut <= 0 ? string.Empty : path[..cut].TrimEnd('.');
    }
}
