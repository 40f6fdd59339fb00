using System.Net;
using k8s;
using k8s.Autorest;
using WaypointWebhook.Objects;
using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Cluster.Live;

/// <summary>What a confirming GET found.</summary>
public enum Confirmation
{
    Found,
    NotFound,
    Unknown,
}

/// <summary>A cluster view that can check a cache miss against the API server before it costs a denial.</summary>
public interface IGatewayConfirmer
{
    Task<Confirmation> ConfirmGatewayAsync(string @namespace, string name, CancellationToken cancellationToken);
}

/// <summary>
/// The production cluster view: watch caches of Namespaces, GatewayClasses and Gateways. Admissions
/// read the caches only; the one exception is <see cref="ConfirmGatewayAsync"/>, a bounded GET made
/// only when a missing Gateway would deny.
/// </summary>
public sealed class LiveClusterView : IClusterView, IClusterViewSource, IGatewayConfirmer
{
    /// <summary>What the webhook reads from the API server, by (API group, resource): the RBAC in deploy/ grants exactly this.</summary>
    public static readonly IReadOnlyList<(string Group, string Resource)> WatchedResources =
    [
        (string.Empty, "namespaces"),
        (HandledKinds.GatewayApi, "gatewayclasses"),
        (HandledKinds.GatewayApi, "gateways"),
    ];

    private readonly IKubernetes client;
    private readonly TimeSpan confirmTimeout;

    public LiveClusterView(IKubernetes client, CacheTiming timing, ILoggerFactory loggers, TimeSpan? confirmTimeout = null)
    {
        this.client = client;
        this.confirmTimeout = confirmTimeout ?? TimeSpan.FromSeconds(2);
        var logger = loggers.CreateLogger("WaypointWebhook.Cluster.Live");
        Namespaces = new ResourceCache<NamespaceInfo>(new NamespaceSource(client), timing, logger);
        GatewayClasses = new ResourceCache<GatewayClassInfo>(
            new CustomObjectSource<GatewayClassInfo>(client, HandledKinds.GatewayApi, "v1", "gatewayclasses", SubjectReader.ToGatewayClass), timing, logger);
        Gateways = new ResourceCache<GatewayInfo>(
            new CustomObjectSource<GatewayInfo>(client, HandledKinds.GatewayApi, "v1", "gateways", o => SubjectReader.ToGateway(o, string.Empty)), timing, logger);
    }

    public ResourceCache<NamespaceInfo> Namespaces { get; }

    public ResourceCache<GatewayClassInfo> GatewayClasses { get; }

    public ResourceCache<GatewayInfo> Gateways { get; }

    public bool IsSynced => Namespaces.IsSynced && GatewayClasses.IsSynced && Gateways.IsSynced;

    /// <summary>Null until every initial list is in: readiness holds the API server off until then.</summary>
    public IClusterView? Current => IsSynced ? this : null;

    public Task RunAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(Namespaces.RunAsync(cancellationToken), GatewayClasses.RunAsync(cancellationToken), Gateways.RunAsync(cancellationToken));

    public IReadOnlyList<ResourceStatus> Resources =>
    [
        new(Namespaces.Name, Namespaces.Items.Count, Namespaces.LastEvent),
        new(GatewayClasses.Name, GatewayClasses.Items.Count, GatewayClasses.LastEvent),
        new(Gateways.Name, Gateways.Items.Count, Gateways.LastEvent),
    ];

    public string Describe() =>
        string.Join(", ", new[] { Describe(Namespaces), Describe(GatewayClasses), Describe(Gateways) });

    public GatewayInfo? GetGateway(string @namespace, string name) => Gateways.Get(string.Concat(@namespace, "/", name));

    public GatewayClassInfo? GetGatewayClass(string name) => GatewayClasses.Get(name);

    public NamespaceInfo? GetNamespace(string name) => Namespaces.Get(name);

    public async Task<Confirmation> ConfirmGatewayAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(confirmTimeout);
        try
        {
            using var response = await client.CustomObjects.GetNamespacedCustomObjectWithHttpMessagesAsync<KubeObject>(
                HandledKinds.GatewayApi, "v1", @namespace, "gateways", name, cancellationToken: bounded.Token).ConfigureAwait(false);
            Gateways.Upsert($"{@namespace}/{name}", SubjectReader.ToGateway(response.Body, @namespace));
            return Confirmation.Found;
        }
        catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.NotFound)
        {
            return Confirmation.NotFound;
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException or OperationCanceledException or IOException)
        {
            return Confirmation.Unknown;
        }
    }

    private static string Describe<T>(ResourceCache<T> cache) where T : class =>
        $"{cache.Name} {(cache.IsSynced ? "synced" : "syncing")} ({cache.Items.Count})";
}
