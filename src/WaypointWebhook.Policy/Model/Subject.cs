namespace WaypointWebhook.Policy.Model;

/// <summary>An object the webhook evaluates.</summary>
public abstract record Subject(ObjectRef Object)
{
    /// <summary>
    /// The namespace the object belongs to for the rules: whose waypoint it may use, whose allowedRoutes
    /// must admit it, whether it is excluded. A Namespace is its own; a GatewayClass has none.
    /// </summary>
    public virtual string? ConsumerNamespace => Object.Namespace;
}
