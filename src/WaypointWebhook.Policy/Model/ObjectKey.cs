namespace WaypointWebhook.Policy.Model;

/// <summary>
/// Names one object of a resource: its namespace (empty for cluster-scoped objects) and name. The one
/// key of every table in the cluster view; shown as <c>namespace/name</c>.
/// </summary>
public readonly record struct ObjectKey(string Namespace, string Name)
{
    public static ObjectKey Cluster(string name) => new(string.Empty, name);

    public override string ToString() => Namespace.Length == 0 ? Name : $"{Namespace}/{Name}";
}
