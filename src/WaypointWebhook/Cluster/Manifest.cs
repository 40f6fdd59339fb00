using WaypointWebhook.Objects;

namespace WaypointWebhook.Cluster;

/// <summary>An object of a handled kind read from a manifest, with where it came from.</summary>
public sealed record Manifest(HandledKind Kind, KubeObject Object, string Source)
{
    private static readonly IReadOnlyDictionary<string, string> NoAnnotations = new Dictionary<string, string>();

    /// <summary>Where the object is written; null for a live cluster's objects and manifests read without locations.</summary>
    public SourceLocation? Location { get; init; }

    /// <summary>
    /// The object's string annotations, read beside the object with its location (the lean
    /// <see cref="KubeObject"/> keeps only the one the rules read).
    /// </summary>
    public IReadOnlyDictionary<string, string> Annotations { get; init; } = NoAnnotations;
}
