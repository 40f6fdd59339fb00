using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using WaypointWebhook.Cluster;
using WaypointWebhook.Hosting;
using WaypointWebhook.Policy.Model;
using WaypointWebhook.Testing;
using WaypointWebhook.Tests.Admission;

namespace WaypointWebhook.Tests.Integration;

/// <summary><c>GET /unbound</c> on the real server's health port: what the audit lists after a change of the view.</summary>
public sealed class UnboundEndpointTests : IDisposable
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(20);
    private readonly TestCertificates certificates = new();
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public void Dispose()
    {
        http.Dispose();
        certificates.Dispose();
    }

    private Task<InProcessWebhook> Start(IClusterViewSource views) =>
        InProcessWebhook.StartAsync(certificates.CertificateFile, certificates.KeyFile, new Dictionary<string, string?> { ["AuditIntervalSeconds"] = "0" }, views);

    private async Task<(HttpStatusCode Status, string Body)> Get(InProcessWebhook webhook, string pathAndQuery)
    {
        using var response = await http.GetAsync(new Uri(webhook.Health, pathAndQuery));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task AfterPass(UnboundAudit audit, long passes) =>
        await Eventually.Until(() => audit.Passes >= passes, $"audit pass {passes}", Within);

    [Fact]
    public async Task After_a_gateway_is_narrowed_unbound_lists_its_pods()
    {
        var source = new ChangingViewSource(ConsumerCluster.Snapshot());
        await using var webhook = await Start(source);
        var audit = webhook.App.Services.GetRequiredService<UnboundAudit>();
        await audit.FirstPass.WaitAsync(Within);

        var before = await Get(webhook, "/unbound");
        source.Replace(ConsumerCluster.Snapshot(ConsumerCluster.Narrowed));
        await AfterPass(audit, 2);
        var after = await Get(webhook, "/unbound");

        Assert.Equal(HttpStatusCode.OK, before.Status);
        Assert.Equal("""{"consumers":7,"total":0,"truncated":0,"counts":[],"items":[]}""", before.Body);
        Assert.Equal(HttpStatusCode.OK, after.Status);
        Assert.Equal(ExpectedNarrowed, after.Body);
    }

    [Fact]
    public async Task The_namespace_filter_keeps_one_namespace_and_refuses_a_bad_name()
    {
        await using var webhook = await Start(new ChangingViewSource(ConsumerCluster.Snapshot(ConsumerCluster.NarrowedAndRelabelled)));
        await webhook.App.Services.GetRequiredService<UnboundAudit>().FirstPass.WaitAsync(Within);

        var app = await Get(webhook, "/unbound?namespace=app");
        var all = await Get(webhook, "/unbound");
        var none = await Get(webhook, "/unbound?namespace=infra");
        var bad = await Get(webhook, "/unbound?namespace=Not_A_Name");

        Assert.Equal(ExpectedApp, app.Body);
        var items = JsonNode.Parse(all.Body)!["items"]!.AsArray();
        Assert.Equal(["app Pod a1", "default Pod ratings", "default Pod reviews-v1", "default Pod reviews-v2"], items.Select(i => $"{(string?)i!["namespace"]} {(string?)i["kind"]} {(string?)i["name"]}"));
        Assert.Equal("""{"consumers":7,"total":0,"truncated":0,"counts":[],"items":[]}""", none.Body);
        Assert.Equal((HttpStatusCode.BadRequest, "namespace must be a namespace name, not \"Not_A_Name\"\n"), bad);
    }

    [Fact]
    public async Task Before_the_view_is_loaded_unbound_answers_503_and_after_the_first_pass_200()
    {
        var source = new ChangingViewSource(null);
        await using var webhook = await Start(source);

        var unloaded = await Get(webhook, "/unbound");
        using var gate = new ManualResetEventSlim();
        var gated = new GatedView(ConsumerCluster.Snapshot(), gate);
        source.Replace(gated);
        await Eventually.Until(() => gated.Entered, "a pass under way", Within);
        var judging = await Get(webhook, "/unbound");
        gate.Set();
        await webhook.App.Services.GetRequiredService<UnboundAudit>().FirstPass.WaitAsync(Within);
        var done = await Get(webhook, "/unbound");

        Assert.Equal((HttpStatusCode.ServiceUnavailable, "not ready: cluster view not loaded (test view: not loaded)\n"), unloaded);
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "not ready: the first audit pass is not done\n"), judging);
        Assert.Equal(HttpStatusCode.OK, done.Status);
    }

    [Fact]
    public async Task A_view_of_files_is_judged_once()
    {
        await using var webhook = await Start(ConsumerCluster.Source(ConsumerCluster.Narrowed));
        var audit = webhook.App.Services.GetRequiredService<UnboundAudit>();
        await audit.FirstPass.WaitAsync(Within);

        var body = (await Get(webhook, "/unbound")).Body;

        Assert.Equal(1, audit.Passes);
        Assert.False(audit.Pending);
        Assert.Equal(ExpectedNarrowed, body);
    }

    [Fact]
    public async Task Unbound_is_not_served_on_the_admission_port()
    {
        await using var webhook = await Start(ConsumerCluster.Source());
        using var https = certificates.Client();

        using var response = await https.GetAsync(new Uri(webhook.Admission, "/unbound"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    /// <summary>The three Pods of <c>default/waypoint</c>, with their W7 messages as an admission of each would give them (clipped at 512).</summary>
    private const string ExpectedNarrowed = """"
        {"consumers":7,"total":3,"truncated":0,"counts":[{"kind":"Pod","reason":"UnsupportedTrafficType","count":3}],"items":[{"namespace":"default","name":"ratings","kind":"Pod","reason":"UnsupportedTrafficType","message":"Pod default/ratings: istio.io/use-waypoint=waypoint refers to waypoint default/waypoint, which handles only service traffic (istio.io/waypoint-for=service), but a Pod needs workload traffic; istiod sends its traffic without the waypoint and reports it nowhere (a Pod gets no status condition). No L7 policy applies. Fix: make the waypoint accept workload traffic: istioctl waypoint apply -n default --name waypoint --for all (or kubectl label gateway -n default waypoint istio.io/waypoint-for=all --overwrite), \u2026"},{"namespace":"default","name":"reviews-v1","kind":"Pod","reason":"UnsupportedTrafficType","message":"Pod default/reviews-v1: istio.io/use-waypoint=waypoint refers to waypoint default/waypoint, which handles only service traffic (istio.io/waypoint-for=service), but a Pod needs workload traffic; istiod sends its traffic without the waypoint and reports it nowhere (a Pod gets no status condition). No L7 policy applies. Fix: make the waypoint accept workload traffic: istioctl waypoint apply -n default --name waypoint --for all (or kubectl label gateway -n default waypoint istio.io/waypoint-for=all --overwrite\u2026"},{"namespace":"default","name":"reviews-v2","kind":"Pod","reason":"UnsupportedTrafficType","message":"Pod default/reviews-v2: istio.io/use-waypoint=waypoint refers to waypoint default/waypoint, which handles only service traffic (istio.io/waypoint-for=service), but a Pod needs workload traffic; istiod sends its traffic without the waypoint and reports it nowhere (a Pod gets no status condition). No L7 policy applies. Fix: make the waypoint accept workload traffic: istioctl waypoint apply -n default --name waypoint --for all (or kubectl label gateway -n default waypoint istio.io/waypoint-for=all --overwrite\u2026"}]}
        """";

    private const string ExpectedApp = """"
        {"consumers":7,"total":1,"truncated":0,"counts":[{"kind":"Pod","reason":"AttachmentDenied","count":1}],"items":[{"namespace":"app","name":"a1","kind":"Pod","reason":"AttachmentDenied","message":"Pod app/a1: istio.io/use-waypoint=shared (istio.io/use-waypoint-namespace=infra) refers to waypoint infra/shared, whose listener \u0022mesh\u0022 (HBONE/15008) admits only namespaces matching its allowedRoutes selector, and app\u0027s labels do not, so namespace app may not use it; istiod sends its traffic without the waypoint and reports it nowhere (a Pod gets no status condition). Fix: on the Gateway\u0027s listener \u0022mesh\u0022 (HBONE/15008), set allowedRoutes.namespaces.from: All, or from: Selector with a selector that matches \u2026"}]}
        """";

    /// <summary>A view whose consumer index waits for the test: a pass caught in the middle.</summary>
    private sealed class GatedView(ClusterSnapshot inner, ManualResetEventSlim gate) : IClusterView
    {
        private volatile bool entered;

        public bool Entered => entered;

        public IConsumerIndex Consumers
        {
            get
            {
                entered = true;
                gate.Wait(Within);
                return ((IClusterView)inner).Consumers;
            }
        }

        public GatewayInfo? GetGateway(string @namespace, string name) => inner.GetGateway(@namespace, name);

        public GatewayClassInfo? GetGatewayClass(string name) => inner.GetGatewayClass(name);

        public NamespaceInfo? GetNamespace(string name) => inner.GetNamespace(name);

        public IEnumerable<GatewayInfo> GatewaysOfClass(string className) => inner.GatewaysOfClass(className);
    }
}
