using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Objects;

/// <summary>The annotations the rules read; every other annotation is passed over while decoding.</summary>
public sealed class KeptAnnotations
{
    /// <summary>The keys kept, in no particular order.</summary>
    public static readonly string[] Keys =
    [
        WaypointLabels.InboundBindingAnnotation,
        WaypointLabels.CanaryWeightAnnotation,
        WaypointLabels.ConnectStrategyAnnotation,
        WaypointLabels.AutoRegistrationGroupAnnotation,

        // A Gateway's record that the mutation stamped its waypoint-for (the GatewayClass reverse check reads it).
        WaypointLabels.DefaultedAnnotation,
    ];

    private readonly Dictionary<string, string> values = new(StringComparer.Ordinal);

    /// <summary><c>ambient.istio.io/waypoint-inbound-binding</c>: present even when empty (it then overrides the class's).</summary>
    public string? InboundBinding => Get(WaypointLabels.InboundBindingAnnotation);

    public string? Get(string key) => values.GetValueOrDefault(key);

    public void Set(string key, string value) => values[key] = value;

    /// <summary>The kept annotations by key, or null when there are none.</summary>
    public IReadOnlyDictionary<string, string>? ToDictionary() => values.Count == 0 ? null : values;
}
