namespace WaypointWebhook.Policy;

public enum Operation
{
    Create,
    Update,
    Delete,
    Connect,
}
