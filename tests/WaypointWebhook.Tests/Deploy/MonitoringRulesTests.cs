using System.Text.Json.Nodes;
using WaypointWebhook.Cluster;
using WaypointWebhook.Testing;

namespace WaypointWebhook.Tests.Deploy;

/// <summary>
/// The PrometheusRule and the dashboard's queries through promtool (Debian's <c>prometheus</c> package):
/// the rules load, every alert fires and stays quiet where Data/monitoring/alerts.test.yaml says, every
/// dashboard query parses, and every alert says what happened and what to do.
/// </summary>
public sealed class MonitoringRulesTests : IClassFixture<MonitoringManifests>, IDisposable
{
    private readonly MonitoringManifests monitoring;
    private readonly string folder = Directory.CreateTempSubdirectory("waypoint-monitoring-").FullName;

    public MonitoringRulesTests(MonitoringManifests monitoring) => this.monitoring = monitoring;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private ProcessResult Promtool(params string[] args)
    {
        Assert.True(MonitoringPromtoolFactAttribute.Path is not null, "promtool is not on the PATH: apt-get install prometheus (.ci/run installs it)");
        return ProcessRunner.Run(MonitoringPromtoolFactAttribute.Path!, args, workingDirectory: folder);
    }

    [MonitoringPromtoolFact]
    public void Promtool_check_rules_accepts_the_PrometheusRule_spec()
    {
        var rules = monitoring.WriteRuleFile(folder);

        var result = Promtool("check", "rules", rules);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"SUCCESS: {monitoring.Rules.Count} rules found", result.Output);
    }

    [MonitoringPromtoolFact]
    public void Promtool_test_rules_passes_every_alert_unit_test()
    {
        monitoring.WriteRuleFile(folder);
        var tests = Path.Combine(folder, "alerts.test.yaml");
        File.Copy(MonitoringManifests.UnitTestFile, tests);

        var result = Promtool("test", "rules", tests);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("SUCCESS", result.Output);
    }

    [MonitoringPromtoolFact]
    public void Promtool_test_rules_fails_when_a_threshold_is_changed()
    {
        // A deliberate break: the stale-view threshold at 30 minutes instead of 60 makes the alert fire at
        // 36m for gateways, where the unit test expects it quiet (1h4m): the tests pin the threshold.
        var rule = (JsonObject)monitoring.Rule.DeepClone();
        var alert = rule["spec"]!["groups"]![0]!["rules"]!.AsArray().Single(r => (string?)r!["alert"] == "WaypointWebhookClusterViewStale")!;
        alert["expr"] = ((string)alert["expr"]!).Replace("> 3600", "> 1800", StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(folder, "rules.json"), new JsonObject { ["groups"] = rule["spec"]!["groups"]!.DeepClone() }.ToJsonString());
        File.Copy(MonitoringManifests.UnitTestFile, Path.Combine(folder, "alerts.test.yaml"));

        var result = Promtool("test", "rules", Path.Combine(folder, "alerts.test.yaml"));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("alertname: WaypointWebhookClusterViewStale", result.Output + result.Error);
    }

    [Fact]
    public void Every_alert_has_a_unit_test_that_fires_it_and_one_where_it_stays_quiet()
    {
        var tests = YamlToJson.Documents(new StreamReader(MonitoringManifests.UnitTestFile)).Select(b => JsonNode.Parse(b)!).Single();
        var cases = tests["tests"]!.AsArray().SelectMany(t => t!["alert_rule_test"]!.AsArray()).ToList();

        foreach (var alert in monitoring.Alerts.Select(a => (string)a["alert"]!))
        {
            var own = cases.Where(c => (string?)c!["alertname"] == alert).ToList();
            Assert.True(own.Any(c => c!["exp_alerts"]!.AsArray().Count > 0), $"{alert}: no unit test in which it fires");
            Assert.True(own.Any(c => c!["exp_alerts"]!.AsArray().Count == 0), $"{alert}: no unit test in which it stays quiet");
        }
    }

    [MonitoringPromtoolFact]
    public void Every_dashboard_query_parses()
    {
        // promtool parses PromQL only in rule files: each query becomes a recording rule, with Grafana's
        // variables replaced by what they take.
        var rules = new JsonArray();
        foreach (var (expression, i) in monitoring.PanelExpressions.Select((e, i) => (e, i)))
        {
            var promql = expression.Replace("$__rate_interval", "5m", StringComparison.Ordinal).Replace("$namespace", ".*", StringComparison.Ordinal).Replace("$pod", ".*", StringComparison.Ordinal);
            Assert.DoesNotContain("$", promql);
            rules.Add(new JsonObject { ["record"] = $"dashboard:query{i}", ["expr"] = promql });
        }

        var file = Path.Combine(folder, "dashboard-rules.json");
        File.WriteAllText(file, new JsonObject { ["groups"] = new JsonArray(new JsonObject { ["name"] = "dashboard", ["rules"] = rules }) }.ToJsonString());

        var result = Promtool("check", "rules", file);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"SUCCESS: {rules.Count} rules found", result.Output);
    }

    [Fact]
    public void Every_alert_has_a_severity_a_summary_a_description_and_a_runbook()
    {
        Assert.Equal(11, monitoring.Alerts.Count());
        foreach (var alert in monitoring.Alerts)
        {
            var name = (string)alert["alert"]!;
            Assert.StartsWith("WaypointWebhook", name);
            Assert.Contains((string?)alert["labels"]?["severity"], new[] { "warning", "critical" });
            foreach (var annotation in new[] { "summary", "description", "runbook" })
            {
                Assert.True(((string?)alert["annotations"]?[annotation])?.Length > 20, $"{name}: no {annotation}");
            }
        }
    }
}
