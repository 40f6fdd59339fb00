namespace WaypointWebhook.Policy.Model;

public enum Verdict
{
    Warn,
    Deny,
}
