namespace WaypointWebhook.Policy.Model;

/// <summary>
/// The labels of one enrollment with the field each came from. A WorkloadEntry merges
/// <c>spec.labels</c> under <c>metadata.labels</c> (metadata wins), so a key's field depends on where it is.
/// </summary>
public sealed class EnrollmentLabels
{
    private static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>();

    private readonly IReadOnlyDictionary<string, string> primary;
    private readonly string primaryField;
    private readonly IReadOnlyDictionary<string, string> fallback;
    private readonly string? fallbackField;

    public EnrollmentLabels(IReadOnlyDictionary<string, string>? labels, string field)
        : this(labels, field, null, null)
    {
    }

    public EnrollmentLabels(
        IReadOnlyDictionary<string, string>? primary,
        string primaryField,
        IReadOnlyDictionary<string, string>? fallback,
        string? fallbackField)
    {
        this.primary = primary ?? Empty;
        this.primaryField = primaryField;
        this.fallback = fallback ?? Empty;
        this.fallbackField = fallbackField;
    }

    /// <summary>The path of the labels map that names this enrollment, e.g. <c>spec.endpoints[2].labels</c>.</summary>
    public string Field => primaryField;

    // Only a WorkloadEntry has a fallback map: everything else skips its lookup (the consumer index compares
    // 100,000 Pods' labels by these).
    public string? Get(string key) =>
        primary.TryGetValue(key, out var value) ? value : fallback.Count == 0 ? null : fallback.GetValueOrDefault(key);

    public bool Has(string key) => primary.ContainsKey(key) || (fallback.Count > 0 && fallback.ContainsKey(key));

    /// <summary>The value of <paramref name="key"/> and the labels map it comes from (<see cref="Field"/> or the fallback's), without allocating.</summary>
    public bool TryGet(string key, out string value, out string field)
    {
        if (primary.TryGetValue(key, out value!))
        {
            field = primaryField;
            return true;
        }

        if (fallback.Count > 0 && fallback.TryGetValue(key, out value!))
        {
            field = fallbackField ?? primaryField;
            return true;
        }

        field = primaryField;
        return false;
    }

    /// <summary>The field a finding about <paramref name="key"/> points at.</summary>
    public string FieldFor(string key) =>
        $"{(primary.ContainsKey(key) || fallbackField is null || !fallback.ContainsKey(key) ? primaryField : fallbackField)}[{key}]";

    /// <summary>Every label, merged; for a Namespace these are the consumer labels its waypoint's selector reads.</summary>
    public IReadOnlyDictionary<string, string> ToDictionary()
    {
        if (fallback.Count == 0)
        {
            return primary;
        }

        var merged = new Dictionary<string, string>(fallback);
        foreach (var (key, value) in primary)
        {
            merged[key] = value;
        }

        return merged;
    }
}
