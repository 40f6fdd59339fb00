namespace WaypointWebhook.Policy.Model;

/// <summary>The reason codes of the spec; they appear in deny messages, warnings, logs and metrics.</summary>
public static class ReasonCodes
{
    public const string InvalidLabelValue = "InvalidLabelValue";
    public const string NamespaceWithoutWaypoint = "NamespaceWithoutWaypoint";
    public const string IgnoredLabel = "IgnoredLabel";
    public const string WaypointIsNotReady = "WaypointIsNotReady";
    public const string NotAWaypoint = "NotAWaypoint";
    public const string UnsupportedTrafficType = "UnsupportedTrafficType";
    public const string AttachmentDenied = "AttachmentDenied";
    public const string NotInAmbient = "NotInAmbient";
    public const string InvalidTrafficType = "InvalidTrafficType";
    public const string InvalidAllowedRoutes = "InvalidAllowedRoutes";
    public const string UnexpectedListener = "UnexpectedListener";
    public const string WaypointMissing = "WaypointMissing";
    public const string CrossNamespaceWaypointForbidden = "CrossNamespaceWaypointForbidden";
}
