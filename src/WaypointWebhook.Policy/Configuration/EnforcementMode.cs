namespace WaypointWebhook.Policy.Configuration;

public enum EnforcementMode
{
    /// <summary>Deny findings deny the request.</summary>
    Deny,

    /// <summary>Every deny finding is returned as a warning (rollout, audit).</summary>
    Warn,
}
