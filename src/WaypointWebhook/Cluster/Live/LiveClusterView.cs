using k8s;
using k8s.Autorest;
using WaypointWebhook.Objects;
using WaypointWebhook.Policy;
using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Cluster.Live;

/// <summary>
/// The production cluster view: reflectors of Namespaces, GatewayClasses and Gateways, and the
/// reflectors of the consumer index: Services and Pods label-selected (one watch per waypoint label,
/// <c>istio.io/use-waypoint</c> and <c>istio.io/use-waypoint-canary</c>), ServiceEntries and WorkloadEntries
/// whole (their waypoint labels may be where no selector sees them), keeping consumers only,
/// all writing one <see cref="ClusterStore"/>. Admissions read its snapshot; the only API calls on the
/// request path are the bounded GETs of <see cref="ConfirmAsync"/>, made only for objects whose absence
/// could deny (Namespaces and Gateways; consumers are never confirmed).
/// </summary>
public sealed class LiveClusterView : IClusterViewSource
{
    /// <summary>The kinds the consumer index watches besides Namespaces (whose consumers come from the Namespace watch).</summary>
    public static readonly IReadOnlyList<HandledKind> ConsumerKinds =
    [
        HandledKinds.Find(string.Empty, "Service")!,
        HandledKinds.Find(string.Empty, "Pod")!,
        HandledKinds.Find(HandledKinds.IstioNetworking, "ServiceEntry")!,
        HandledKinds.Find(HandledKinds.IstioNetworking, "WorkloadEntry")!,
    ];

    /// <summary>The label keys Pods and Services are watched by: an object names a waypoint by one or both.</summary>
    public static readonly IReadOnlyList<string> ConsumerSelectors = [WaypointLabels.UseWaypoint, WaypointLabels.UseWaypointCanary];

    /// <summary>What the webhook lists and watches, by (API group, resource): the RBAC in deploy/ grants exactly this.</summary>
    public static readonly IReadOnlyList<(string Group, string Resource)> WatchedResources =
    [
        (HandledKinds.Namespace.Group, HandledKinds.Namespace.Resource),
        (HandledKinds.GatewayClass.Group, HandledKinds.GatewayClass.Resource),
        (HandledKinds.Gateway.Group, HandledKinds.Gateway.Resource),
        .. ConsumerKinds.Select(k => (k.Group, k.Resource)),
    ];

    /// <summary>
    /// What the webhook also reads one object of (<c>get</c>): the cluster-state resources (a GatewayClass is
    /// not confirmed today, but its list+watch rule has always granted get with the others).
    /// </summary>
    public static readonly IReadOnlyList<(string Group, string Resource)> ReadResources = WatchedResources.Take(3).ToList();

    private readonly ClusterStore store;
    private readonly TimeSpan confirmTimeout;
    private readonly ILogger logger;

    public LiveClusterView(IKubernetes client, CacheTiming timing, ILoggerFactory loggers)
    {
        confirmTimeout = timing.ConfirmTimeout;
        logger = loggers.CreateLogger("WaypointWebhook.Cluster.Live");
        store = new ClusterStore(e => logger.LogError(e, "A handler of the cluster view's change notification failed"));
        Namespaces = new Reflector<NamespaceInfo>(
            new NamespaceSource(client), store, s => s.Namespaces, (s, t, change) => s.WithNamespaces(t, change), timing, logger);
        GatewayClasses = new Reflector<GatewayClassInfo>(
            new CustomObjectSource<GatewayClassInfo>(client, HandledKinds.GatewayClass, SubjectReader.ToGatewayClass),
            store, s => s.GatewayClasses, (s, t, _) => ReferenceEquals(s.GatewayClasses, t) ? s : s with { GatewayClasses = t }, timing, logger);
        Gateways = new Reflector<GatewayInfo>(
            new CustomObjectSource<GatewayInfo>(client, HandledKinds.Gateway, o => SubjectReader.ToGateway(o, string.Empty)),
            store, s => s.Gateways, (s, t, _) => ReferenceEquals(s.Gateways, t) ? s : s with { Gateways = t }, timing, logger);

        var reader = new ConsumerReader(new StringPool());
        var consumers = new List<Reflector<EnrollingSubject>>();
        foreach (var kind in ConsumerKinds)
        {
            if (kind.Group.Length == 0)
            {
                foreach (var selector in ConsumerSelectors)
                {
                    var feed = new ConsumerFeed(kind.Subject, selector);
                    consumers.Add(new Reflector<EnrollingSubject>(
                        new CoreConsumerSource(client, kind, selector, reader), store, s => s.Consumers.Feed(feed), (s, t, change) => s.WithConsumers(feed, t, change), timing, logger, ConsumerEquality.SameForRules));
                }
            }
            else
            {
                // istiod reads a WorkloadEntry's waypoint from spec.labels under metadata.labels, and a ServiceEntry
                // endpoint's from the endpoint's own labels: no label selector sees those, so these kinds are
                // watched whole and only their consumers kept (a cluster has few of them, next to its Pods).
                var feed = ConsumerFeed.All(kind.Subject);
                consumers.Add(new Reflector<EnrollingSubject>(
                    new CustomObjectSource<EnrollingSubject>(client, kind, o => reader.Read(kind, o)),
                    store, s => s.Consumers.Feed(feed), (s, t, change) => s.WithConsumers(feed, t, change), timing, logger, ConsumerEquality.SameForRules));
            }
        }

        Consumers = consumers;
    }

    /// <summary>
    /// Raised after any write replaced the snapshot (a watch event, a relist, a bookmark, a confirmation's
    /// merge), and when a reflector's first list is in (the view may have become ready). On the writer's
    /// thread, outside the store's lock: handlers must be quick, read <see cref="Current"/> themselves (two
    /// notifications may overlap) and coalesce; <see cref="Current"/> is null until every list is in. Each
    /// handler is called on its own: one that throws is logged and the others still run.
    /// </summary>
    public event Action? Changed
    {
        add => store.Changed += value;
        remove => store.Changed -= value;
    }

    public Reflector<NamespaceInfo> Namespaces { get; }

    public Reflector<GatewayClassInfo> GatewayClasses { get; }

    public Reflector<GatewayInfo> Gateways { get; }

    /// <summary>The consumer index's reflectors: Services and Pods one per label of <see cref="ConsumerSelectors"/>, then ServiceEntries and WorkloadEntries.</summary>
    public IReadOnlyList<Reflector<EnrollingSubject>> Consumers { get; }

    public bool IsSynced => Namespaces.IsSynced && GatewayClasses.IsSynced && Gateways.IsSynced && Consumers.All(c => c.IsSynced);

    /// <summary>The latest snapshot; null until every initial list is in (readiness holds the API server off until then).</summary>
    public ClusterSnapshot? Snapshot => IsSynced ? store.Current : null;

    public IClusterView? Current => Snapshot;

    public Task RunAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(
            new[] { Namespaces.RunAsync(cancellationToken), GatewayClasses.RunAsync(cancellationToken), Gateways.RunAsync(cancellationToken) }
                .Concat(Consumers.Select(c => c.RunAsync(cancellationToken))));

    public IReadOnlyList<ResourceStatus> Resources => [Namespaces.Status, GatewayClasses.Status, Gateways.Status, .. Consumers.Select(c => c.Status)];

    public string Describe() =>
        string.Join(", ", new[] { Describe(Namespaces), Describe(GatewayClasses), Describe(Gateways) }.Concat(Consumers.Select(Describe)));

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
