namespace WaypointWebhook.Policy.Configuration;

/// <summary>
/// What the reverse check (spec section 7) does with the consumers a Gateway, GatewayClass or Namespace
/// change unbinds. Never a deny by default: the change is a platform team's, the consumers are others'.
/// </summary>
public enum ReverseCheckMode
{
    /// <summary>One warning per reason; the change goes through.</summary>
    Warn,

    /// <summary>The change is denied (DELETE included) unless the enforcement mode is Warn.</summary>
    Deny,
}
