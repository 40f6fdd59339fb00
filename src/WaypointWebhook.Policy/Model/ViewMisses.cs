namespace WaypointWebhook.Policy.Model;

/// <summary>
/// What the cluster view lacks that could decide a denial: Gateways a reference names and a consumer
/// Namespace whose labels a selector reads. An in-memory view can lag the API server by a moment, so a
/// live view confirms these with the API server before the policy denies on them (spec section 3).
/// </summary>
/// <param name="Unasked">
/// Missing Gateways beyond <see cref="MaxConfirmations"/>: one object can name thousands (a ServiceEntry's
/// endpoints), and one admission must not become thousands of API requests. They count as unconfirmed.
/// </param>
public sealed record ViewMisses(IReadOnlyList<ObjectKey> Gateways, IReadOnlyList<string> Namespaces, IReadOnlyList<ObjectKey> Unasked)
{
    /// <summary>The most GETs one admission asks the API server for.</summary>
    public const int MaxConfirmations = 8;

    public static readonly ViewMisses None = new([], [], []);

    public bool IsEmpty => Gateways.Count == 0 && Namespaces.Count == 0 && Unasked.Count == 0;
}
