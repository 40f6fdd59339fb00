using System.Text.Json.Nodes;
using WaypointWebhook.Cluster;
using WaypointWebhook.Testing;

namespace WaypointWebhook.Tests.Deploy;

/// <summary>
/// deploy/monitoring as an operator gets it: rendered with the real <c>kubectl kustomize</c>, and what the
/// tests read from it: the PrometheusRule's rules, the dashboard, every PromQL expression in either, and the
/// series of the promtool unit tests (Data/monitoring/alerts.test.yaml).
/// </summary>
public sealed class MonitoringManifests
{
    public MonitoringManifests()
    {
        var result = ProcessRunner.Run("kubectl", ["kustomize", Folder]);
        Assert.True(result.ExitCode == 0, $"kubectl kustomize {Folder}: {result}");
        Objects = YamlToJson.Documents(new StringReader(result.Output)).Select(bytes => JsonNode.Parse(bytes)!.AsObject()).ToList();
        Rule = RenderedManifests.Single(Objects, "PrometheusRule", "waypoint-webhook");
        Rules = Rule["spec"]!["groups"]!.AsArray().SelectMany(g => g!["rules"]!.AsArray()).Select(r => r!.AsObject()).ToList();
        DashboardText = File.ReadAllText(DashboardFile);
        Dashboard = JsonNode.Parse(DashboardText)!.AsObject();
        var tests = YamlToJson.Documents(new StreamReader(UnitTestFile)).Select(bytes => JsonNode.Parse(bytes)!.AsObject()).Single();
        TestSeries = tests["tests"]!.AsArray().SelectMany(t => t!["input_series"]!.AsArray()).Select(s => (string)s!["series"]!).ToList();
    }

    public static string Folder => Path.Combine(RepoPaths.Root, "deploy", "monitoring");

    public static string DashboardFile => Path.Combine(Folder, "dashboards", "waypoint-webhook.json");

    /// <summary>The promtool unit tests; their <c>rule_files</c> is <c>rules.json</c> beside them (<see cref="WriteRuleFile"/>).</summary>
    public static string UnitTestFile => Path.Combine(RepoPaths.Root, "tests", "WaypointWebhook.Tests", "Deploy", "Data", "monitoring", "alerts.test.yaml");

    public List<JsonObject> Objects { get; }

    public JsonObject Rule { get; }

    /// <summary>Every rule of every group, in order.</summary>
    public List<JsonObject> Rules { get; }

    public IEnumerable<JsonObject> Alerts => Rules.Where(r => r["alert"] is not null);

    /// <summary>The raw dashboard file, as the ConfigMap must carry it.</summary>
    public string DashboardText { get; }

    public JsonObject Dashboard { get; }

    /// <summary>Series selectors of the promtool unit tests' input series (<c>name{labels}</c>).</summary>
    public List<string> TestSeries { get; }

    /// <summary>The PromQL of the dashboard's panels (rows included), as written (with Grafana's variables).</summary>
    public IEnumerable<string> PanelExpressions =>
        Descendants(Dashboard["panels"]).Where(n => n is JsonObject o && o["expr"] is not null).Select(n => (string)n!["expr"]!);

    /// <summary>Every expression of the dashboard: the panels' and the variables' queries (<c>label_values(...)</c>).</summary>
    public IEnumerable<string> DashboardExpressions =>
        PanelExpressions.Concat(Dashboard["templating"]!["list"]!.AsArray().Select(v => v!["query"]).OfType<JsonObject>().Select(q => (string)q["query"]!));

    /// <summary>Every expression with where it comes from: the rules' and the dashboard's.</summary>
    public IEnumerable<(string Where, string Expression)> Expressions =>
        Rules.Select(r => ($"rule {(string?)r["alert"] ?? (string?)r["record"]}", (string)r["expr"]!))
            .Concat(DashboardExpressions.Select(e => ("dashboard", e)));

    /// <summary>The PrometheusRule's spec (its groups) as the file promtool reads, in <paramref name="folder"/>; returns its path.</summary>
    public string WriteRuleFile(string folder, string name = "rules.json")
    {
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, new JsonObject { ["groups"] = Rule["spec"]!["groups"]!.DeepClone() }.ToJsonString());
        return path;
    }

    private static IEnumerable<JsonNode?> Descendants(JsonNode? node)
    {
        yield return node;
        var children = node switch
        {
            JsonObject o => o.Select(p => p.Value),
            JsonArray a => a.AsEnumerable(),
            _ => [],
        };
        foreach (var child in children.SelectMany(Descendants))
        {
            yield return child;
        }
    }
}
