using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace WaypointWebhook.Tests.Deploy;

/// <summary>
/// deploy/monitoring rendered with the real <c>kubectl kustomize</c>, checked against deploy/base as rendered:
/// the ServiceMonitor scrapes the health port through the Service, the alerts select the job Prometheus
/// gives that Service and the webhook names the configurations register, and the dashboard ConfigMap is
/// the raw JSON file with the Grafana sidecar's label.
/// </summary>
public sealed class MonitoringManifestTests(MonitoringManifests monitoring, RenderedManifests rendered) : IClassFixture<MonitoringManifests>, IClassFixture<RenderedManifests>
{
    private List<JsonObject> Base => rendered.Overlays["base"];

    [Fact]
    public void Renders_a_ServiceMonitor_a_PrometheusRule_and_a_dashboard_ConfigMap_in_the_webhook_namespace()
    {
        Assert.Equal(
            ["ConfigMap/waypoint-webhook-dashboard", "PrometheusRule/waypoint-webhook", "ServiceMonitor/waypoint-webhook"],
            monitoring.Objects.Select(o => $"{o["kind"]}/{o["metadata"]!["name"]}").Order());
        var webhookNamespace = (string?)RenderedManifests.Single(Base, "Deployment", "waypoint-webhook")["metadata"]!["namespace"];
        Assert.All(monitoring.Objects, o => Assert.Equal(webhookNamespace, (string?)o["metadata"]!["namespace"]));
        Assert.Equal("monitoring.coreos.com/v1", (string?)RenderedManifests.Single(monitoring.Objects, "ServiceMonitor")["apiVersion"]);
        Assert.Equal("monitoring.coreos.com/v1", (string?)monitoring.Rule["apiVersion"]);
    }

    [Fact]
    public void ServiceMonitor_scrapes_metrics_on_the_health_port_through_the_Service()
    {
        var monitor = RenderedManifests.Single(monitoring.Objects, "ServiceMonitor");
        var service = RenderedManifests.Single(Base, "Service", "waypoint-webhook");
        var container = RenderedManifests.Single(Base, "Deployment", "waypoint-webhook")["spec"]!["template"]!["spec"]!["containers"]![0]!;

        // The selector picks exactly this Service among the base's Services, by its labels.
        var selector = monitor["spec"]!["selector"]!["matchLabels"]!.AsObject();
        Assert.NotEmpty(selector);
        var labels = service["metadata"]!["labels"]!.AsObject();
        Assert.All(selector, p => Assert.Equal((string?)p.Value, (string?)labels[p.Key]));

        var endpoint = Assert.Single(monitor["spec"]!["endpoints"]!.AsArray())!;
        Assert.Equal("/metrics", (string?)endpoint["path"]);
        Assert.Equal("http", (string?)endpoint["scheme"]);
        var port = Assert.Single(service["spec"]!["ports"]!.AsArray(), p => (string?)p!["name"] == (string?)endpoint["port"])!;
        var target = Assert.Single(container["ports"]!.AsArray(), p => (string?)p!["name"] == (string?)port["targetPort"])!;
        Assert.Equal("health", (string?)target["name"]);
        var healthPort = container["args"]!.AsArray().Select(a => (string)a!).Single(a => a.StartsWith("--health-port=", StringComparison.Ordinal));
        Assert.Equal($"--health-port={(int)target["containerPort"]!}", healthPort);
    }

    [Fact]
    public void Alerts_on_up_select_the_job_Prometheus_names_after_the_Service()
    {
        // The Prometheus Operator's job label is the Service's name unless the ServiceMonitor sets jobLabel.
        Assert.Null(RenderedManifests.Single(monitoring.Objects, "ServiceMonitor")["spec"]!["jobLabel"]);
        var job = (string)RenderedManifests.Single(Base, "Service", "waypoint-webhook")["metadata"]!["name"]!;
        var jobs = monitoring.Expressions.SelectMany(e => MonitoringPromQL.Selectors(e.Expression))
            .SelectMany(s => s.Matchers.Where(m => m.Label == "job").Select(m => (s.Metric, m.Op, m.Value)))
            .ToList();
        Assert.Contains(jobs, j => j.Metric == "up");
        Assert.All(jobs, j => Assert.Equal(("=", job), (j.Op, j.Value)));
    }

    [Fact]
    public void The_API_server_alerts_match_every_webhook_the_configurations_register_and_no_other()
    {
        var names = new[] { "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration" }
            .SelectMany(kind => RenderedManifests.Single(Base, kind)["webhooks"]!.AsArray().Select(w => (string)w!["name"]!))
            .ToList();
        var patterns = monitoring.Expressions.SelectMany(e => MonitoringPromQL.Selectors(e.Expression))
            .Where(s => s.Metric.StartsWith("apiserver_", StringComparison.Ordinal))
            .Select(s => Assert.Single(s.Matchers, m => m.Label == "name"))
            .ToList();

        Assert.NotEmpty(patterns);
        foreach (var (_, op, value) in patterns)
        {
            Assert.Equal("=~", op);
            // PromQL regexes are anchored; the string as written has its backslashes doubled.
            var regex = new Regex("^(?:" + value.Replace(@"\\", @"\", StringComparison.Ordinal) + ")$");
            Assert.All(names, n => Assert.Matches(regex, n));
            Assert.DoesNotMatch(regex, "validate.kyverno.svc");
            Assert.DoesNotMatch(regex, "use-waypoint.waypoint.istio.io.example.com");
            Assert.DoesNotMatch(regex, "xwaypointxistioxio");
        }
    }

    [Fact]
    public void Dashboard_ConfigMap_carries_the_raw_JSON_file_with_the_grafana_sidecar_label()
    {
        var map = RenderedManifests.Single(monitoring.Objects, "ConfigMap", "waypoint-webhook-dashboard");

        Assert.Equal("1", (string?)map["metadata"]!["labels"]!["grafana_dashboard"]);
        var data = Assert.Single(map["data"]!.AsObject());
        Assert.Equal("waypoint-webhook.json", data.Key);
        Assert.Equal(monitoring.DashboardText, (string?)data.Value);
    }

    [Fact]
    public void Dashboard_has_the_panels_the_operator_reads()
    {
        var titles = monitoring.Dashboard["panels"]!.AsArray().Select(p => (string)p!["title"]!).ToHashSet();
        foreach (var title in new[] { "Requests by verdict", "Findings by reason", "Answer time percentiles", "View age", "Objects in view", "Certificate expiry", "Unbound consumers", "Refusals by cause" })
        {
            Assert.Contains(title, titles);
        }

        Assert.Equal("waypoint-webhook", (string?)monitoring.Dashboard["uid"]);
        var percentiles = monitoring.PanelExpressions.Where(e => e.StartsWith("histogram_quantile(", StringComparison.Ordinal)).Select(e => e[..e.IndexOf(',', StringComparison.Ordinal)]).ToHashSet();
        Assert.Superset(new HashSet<string> { "histogram_quantile(0.5", "histogram_quantile(0.9", "histogram_quantile(0.99" }, percentiles);
    }
}
