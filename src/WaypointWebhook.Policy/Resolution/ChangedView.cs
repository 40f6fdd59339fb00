using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Policy.Resolution;

/// <summary>
/// A cluster view with one object replaced or removed: the cluster as it is before or after the change under
/// admission (spec section 7). Everything else, the consumer index included, is the underlying view's. Pure
/// and allocation-free per lookup: the reverse check judges thousands of consumers through it.
/// </summary>
public sealed class ChangedView : IClusterView
{
    private readonly IClusterView inner;
    private readonly ObjectKey? gatewayKey;
    private readonly GatewayInfo? gateway;
    private readonly string? className;
    private readonly GatewayClassInfo? gatewayClass;
    private readonly string? namespaceName;
    private readonly NamespaceInfo? @namespace;

    private ChangedView(
        IClusterView inner,
        ObjectKey? gatewayKey = null,
        GatewayInfo? gateway = null,
        string? className = null,
        GatewayClassInfo? gatewayClass = null,
        string? namespaceName = null,
        NamespaceInfo? @namespace = null)
    {
        this.inner = inner;
        this.gatewayKey = gatewayKey;
        this.gateway = gateway;
        this.className = className;
        this.gatewayClass = gatewayClass;
        this.namespaceName = namespaceName;
        this.@namespace = @namespace;
    }

    /// <summary><paramref name="view"/> with the Gateway <paramref name="key"/> replaced by <paramref name="gateway"/>, or removed when it is null.</summary>
    public static ChangedView WithGateway(IClusterView view, ObjectKey key, GatewayInfo? gateway) =>
        new(view, gatewayKey: key, gateway: gateway);

    /// <summary><paramref name="view"/> with the GatewayClass <paramref name="name"/> replaced, or removed when <paramref name="gatewayClass"/> is null.</summary>
    public static ChangedView WithGatewayClass(IClusterView view, string name, GatewayClassInfo? gatewayClass) =>
        new(view, className: name, gatewayClass: gatewayClass);

    /// <summary><paramref name="view"/> with the Namespace <paramref name="name"/> replaced, or removed when <paramref name="namespace"/> is null.</summary>
    public static ChangedView WithNamespace(IClusterView view, string name, NamespaceInfo? @namespace) =>
        new(view, namespaceName: name, @namespace: @namespace);

    public GatewayInfo? GetGateway(string @namespace, string name) =>
        gatewayKey is { } key && key.Namespace == @namespace && key.Name == name ? gateway : inner.GetGateway(@namespace, name);

    public GatewayClassInfo? GetGatewayClass(string name) =>
        className is not null && className == name ? gatewayClass : inner.GetGatewayClass(name);

    public NamespaceInfo? GetNamespace(string name) =>
        namespaceName is not null && namespaceName == name ? @namespace : inner.GetNamespace(name);

    /// <summary>The replaced object is known, present or absent: nothing about it needs confirming.</summary>
    public bool IsUnconfirmedGateway(ObjectKey key) => gatewayKey != key && inner.IsUnconfirmedGateway(key);

    public bool IsUnconfirmedNamespace(string name) => namespaceName != name && inner.IsUnconfirmedNamespace(name);

    public IConsumerIndex Consumers => inner.Consumers;

    public IEnumerable<GatewayInfo> GatewaysOfClass(string name)
    {
        foreach (var candidate in inner.GatewaysOfClass(name))
        {
            if (gatewayKey is not { } key || candidate.Namespace != key.Namespace || candidate.Name != key.Name)
            {
                yield return candidate;
            }
        }

        if (gateway is not null && gateway.ClassName == name)
        {
            yield return gateway;
        }
    }
}
