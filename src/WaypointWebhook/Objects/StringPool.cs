using System.Collections.Concurrent;

namespace WaypointWebhook.Objects;

/// <summary>
/// One instance per distinct string, for the strings 100,000 consumers repeat (namespace names, label
/// values, a Service's type): each decoded object brings its own copies, and a pool keeps one.
/// </summary>
/// <remarks>
/// Owned by one view and dropped with it (never <see cref="string.Intern"/>, which is process-wide and
/// never freed). It holds only values that repeat by nature: object names, unique per object, are never
/// pooled, so churn of Pods does not grow it.
/// </remarks>
public sealed class StringPool
{
    private readonly ConcurrentDictionary<string, string> strings = new(StringComparer.Ordinal);

    public int Count => strings.Count;

    public string? Get(string? value) => value is null ? null : strings.GetOrAdd(value, value);
}
