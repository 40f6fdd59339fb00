using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Cluster;

/// <summary>
/// Where some consumers of one kind come from: one label-selected watch (<paramref name="Selector"/> is
/// the label key it selects on), or, with an empty selector, every consumer of the kind (manifest files,
/// and Namespaces, derived from the one Namespace watch).
/// </summary>
public readonly record struct ConsumerFeed(SubjectKind Kind, string Selector)
{
    public static ConsumerFeed All(SubjectKind kind) => new(kind, string.Empty);

    public override string ToString() => Selector.Length == 0 ? Kind.ToString() : $"{Kind}[{Selector}]";
}
