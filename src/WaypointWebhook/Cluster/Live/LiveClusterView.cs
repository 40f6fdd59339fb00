using k8s;
using k8s.Autorest;
using WaypointWebhook.Objects;
using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Cluster.Live;

/// <summary>
/// The production cluster view: reflectors of Namespaces, GatewayClasses and Gateways writing one
/// <see cref="ClusterStore"/>. Admissions read its snapshot; the only API calls on the request path are
/// the bounded GETs of <see cref="ConfirmAsync"/>, made only for objects whose absence could deny.
/// </summary>
public sealed class LiveClusterView : IClusterViewSource
{
    /// <summary>What the webhook reads from the API server, by (API group, resource): the RBAC in deploy/ grants exactly this.</summary>
    public static readonly IReadOnlyList<(string Group, string Resource)> WatchedResources =
    [
        (HandledKinds.Namespace.Group, HandledKinds.Namespace.Resource),
        (HandledKinds.GatewayClass.Group, HandledKinds.GatewayClass.Resource),
        (HandledKinds.Gateway.Group, HandledKinds.Gateway.Resource),
    ];

    private readonly ClusterStore store = new();
    private readonly TimeSpan confirmTimeout;
    private readonly ILogger logger;

    public LiveClusterView(IKubernetes client, CacheTiming timing, ILoggerFactory loggers)
    {
        confirmTimeout = timing.ConfirmTimeout;
        logger = loggers.CreateLogger("WaypointWebhook.Cluster.Live");
        Namespaces = new Reflector<NamespaceInfo>(
            new NamespaceSource(client), store, s => s.Namespaces, (s, t) => s with { Namespaces = t }, timing, logger);
        GatewayClasses = new Reflector<GatewayClassInfo>(
            new CustomObjectSource<GatewayClassInfo>(client, HandledKinds.GatewayClass, SubjectReader.ToGatewayClass),
            store, s => s.GatewayClasses, (s, t) => s with { GatewayClasses = t }, timing, logger);
        Gateways = new Reflector<GatewayInfo>(
            new CustomObjectSource<GatewayInfo>(client, HandledKinds.Gateway, o => SubjectReader.ToGateway(o, string.Empty)),
            store, s => s.Gateways, (s, t) => s with { Gateways = t }, timing, logger);
    }

    public Reflector<NamespaceInfo> Namespaces { get; }

    public Reflector<GatewayClassInfo> GatewayClasses { get; }

    public Reflector<GatewayInfo> Gateways { get; }

    public bool IsSynced => Namespaces.IsSynced && GatewayClasses.IsSynced && Gateways.IsSynced;

    /// <summary>The latest snapshot; null until every initial list is in (readiness holds the API server off until then).</summary>
    public ClusterSnapshot? Snapshot => IsSynced ? store.Current : null;

    public IClusterView? Current => Snapshot;

    public Task RunAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(Namespaces.RunAsync(cancellationToken), GatewayClasses.RunAsync(cancellationToken), Gateways.RunAsync(cancellationToken));

    public IReadOnlyList<ResourceStatus> Resources => [Namespaces.Status, GatewayClasses.Status, Gateways.Status];

    public string Describe() => string.Join(", ", new[] { Describe(Namespaces), Describe(GatewayClasses), Describe(Gateways) });

    /// <summary>
    /// One GET per miss (at most <see cref="ViewMisses.MaxConfirmations"/>; the rest stay unconfirmed),
    /// all at once and within <see cref="CacheTiming.ConfirmTimeout"/> together. Found:
    /// merged into the store and used. A Gateway the API server does not have is a certain miss. A miss
    /// the server could not confirm in time, and a Namespace nobody knows, stay unconfirmed: the policy
    /// does not deny on them.
    /// </summary>
    public async ValueTask<IClusterView> ConfirmAsync(IClusterView view, ViewMisses misses, CancellationToken cancellationToken)
    {
        if (misses.IsEmpty)
        {
            return view;
        }

        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(confirmTimeout);
        var gateways = misses.Gateways.Select(key => Confirm(Gateways, key, bounded.Token)).ToArray();
        var namespaces = misses.Namespaces.Select(name => Confirm(Namespaces, ObjectKey.Cluster(name), bounded.Token)).ToArray();
        await Task.WhenAll(gateways.Concat<Task>(namespaces)).ConfigureAwait(false);

        var foundGateways = new Dictionary<ObjectKey, GatewayInfo>();
        var unconfirmedGateways = new HashSet<ObjectKey>(misses.Unasked);
        foreach (var (key, confirmation, gateway) in gateways.Select(t => t.Result))
        {
            if (gateway is not null)
            {
                foundGateways[key] = gateway;
            }
            else if (confirmation == Confirmation.Unknown)
            {
                unconfirmedGateways.Add(key);
            }
        }

        var foundNamespaces = new Dictionary<string, NamespaceInfo>(StringComparer.Ordinal);
        var unconfirmedNamespaces = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, _, ns) in namespaces.Select(t => t.Result))
        {
            if (ns is not null)
            {
                foundNamespaces[key.Name] = ns;
            }
            else
            {
                unconfirmedNamespaces.Add(key.Name);
            }
        }

        return new ConfirmedView(view, foundGateways, foundNamespaces, unconfirmedGateways, unconfirmedNamespaces);
    }

    private async Task<(ObjectKey Key, Confirmation Confirmation, T? Item)> Confirm<T>(Reflector<T> reflector, ObjectKey key, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            var item = await reflector.ConfirmAsync(key, cancellationToken).ConfigureAwait(false);
            return (key, item is null ? Confirmation.NotFound : Confirmation.Found, item);
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException or OperationCanceledException or IOException or KubernetesException)
        {
            logger.LogWarning("Could not confirm {Resource} {Key} with the API server ({Error}); a denial will not rest on its absence", reflector.Name, key, Reason(e));
            return (key, Confirmation.Unknown, null);
        }
    }

    private static string Reason(Exception e) => e switch
    {
        OperationCanceledException => "no answer in time",
        HttpOperationException { Response.StatusCode: var code } => $"HTTP {(int)code} {code}",
        _ => e.Message,
    };

    private static string Describe<T>(Reflector<T> reflector) where T : class =>
        $"{reflector.Name} {(reflector.IsSynced ? "synced" : "syncing")} ({reflector.Table.Count})";

    private enum Confirmation
    {
        Found,
        NotFound,
        Unknown,
    }
}
