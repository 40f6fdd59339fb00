using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using WaypointWebhook.Cluster;
using static WaypointWebhook.EndToEnd.LocalCluster;

namespace WaypointWebhook.EndToEnd;

/// <summary>
/// The kube-apiserver series deploy/monitoring's alerts and dashboard read, against the real kube-apiserver
/// 1.32's /metrics: after a denial and a fail-open of the shipped webhooks (the webhook stopped, as in an
/// outage), every <c>apiserver_*</c> series they name exists with every label they match or group by, the
/// values they match on, and the <c>name</c> pattern matches this webhook's series. (The webhook's own
/// series: tests/WaypointWebhook.Tests, MonitoringMetricNamesTests.)
/// </summary>
[Collection(LocalClusterCollection.Name)]
public sealed partial class MonitoringTests
{
    private const string Ns = "e2e-monitoring";
    private readonly LocalCluster cluster;

    public MonitoringTests(LocalCluster cluster)
    {
        this.cluster = cluster;
        if (cluster.SkipReason is not null)
        {
            return;
        }

        cluster.Namespace(Ns);
        cluster.OkIn(Waypoint(Ns, "waypoint", null), "apply", "-f", "-");
        cluster.Programmed(Ns, "waypoint");
    }

    /// <summary>Every PromQL expression of the PrometheusRule and of the dashboard's panels.</summary>
    private static List<string> Expressions()
    {
        var folder = Path.Combine(RepoRoot, "deploy", "monitoring");
        var rule = YamlToJson.Documents(new StreamReader(Path.Combine(folder, "prometheusrule.yaml"))).Select(b => JsonNode.Parse(b)!).Single();
        var expressions = rule["spec"]!["groups"]!.AsArray().SelectMany(g => g!["rules"]!.AsArray()).Select(r => (string)r!["expr"]!).ToList();
        var dashboard = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "dashboards", "waypoint-webhook.json")))!;
        expressions.AddRange(Exprs(dashboard["panels"]));
        return expressions;
    }

    private static IEnumerable<string> Exprs(JsonNode? node) => node switch
    {
        JsonObject o when o["expr"] is JsonValue v => [(string)v!],
        JsonObject o => o.SelectMany(p => Exprs(p.Value)),
        JsonArray a => a.SelectMany(Exprs),
        _ => [],
    };

    [SkippableFact]
    public void Api_server_series_of_the_alerts_exist_in_kube_apiserver_metrics_with_their_labels_and_values()
    {
        Skip.If(cluster.SkipReason is not null, cluster.SkipReason);

        // A denial (rejection_count with error_type=no_error), then both kinds of webhook failing open with
        // the webhook stopped (fail_open_count, type validating and admit): the API server registers a
        // series only once it has counted something.
        Assert.Equal(1, cluster.KubectlIn(Pod(Ns, "denied", "istio.io/use-waypoint: waypoint"), "apply", "--dry-run=server", "-f", "-").ExitCode);
        cluster.Step("webhook-stop");
        try
        {
            cluster.OkIn(Pod(Ns, "unchecked", "istio.io/use-waypoint: waypoint"), "apply", "--dry-run=server", "-f", "-");
            cluster.OkIn(Waypoint(Ns, "unmutated", null), "apply", "--dry-run=server", "-f", "-");
        }
        finally
        {
            cluster.Step("webhook-start");
            cluster.Step("register");
        }

        var (samples, help) = Parse(cluster.Ok("get", "--raw", "/metrics"));
        Assert.Contains(samples["apiserver_admission_webhook_fail_open_count"], s => s["name"] == "use-waypoint.waypoint.istio.io" && s["type"] == "validating");
        Assert.Contains(samples["apiserver_admission_webhook_fail_open_count"], s => s["name"] == "defaults.waypoint.istio.io" && s["type"] == "admit");
        Assert.Contains(samples["apiserver_admission_webhook_rejection_count"], s => s["name"] == "use-waypoint.waypoint.istio.io" && s["error_type"] == "no_error");
        // Failures are counted as rejections only under failurePolicy Fail: the values the alert matches
        // on there are the ones the API server documents.
        Assert.Contains("calling_webhook_error", help["apiserver_admission_webhook_rejection_count"]);
        Assert.Contains("apiserver_internal_error", help["apiserver_admission_webhook_rejection_count"]);

        var checkedSelectors = 0;
        foreach (var expression in Expressions())
        {
            var metrics = SelectorPattern().Matches(expression).Select(m => m.Groups["metric"].Value).ToHashSet();
            foreach (Match selector in SelectorPattern().Matches(expression))
            {
                var metric = selector.Groups["metric"].Value;
                Assert.True(samples.TryGetValue(metric, out var series), $"{metric} is not in kube-apiserver's /metrics: {expression}");
                foreach (Match matcher in MatcherPattern().Matches(selector.Groups["matchers"].Value))
                {
                    var (label, op, value) = (matcher.Groups["label"].Value, matcher.Groups["op"].Value, matcher.Groups["value"].Value);
                    Assert.True(series.Any(s => s.ContainsKey(label)), $"{metric} has no label {label}: {expression}");
                    if (op == "=~")
                    {
                        // PromQL regexes are anchored; the string as written has its backslashes doubled.
                        var regex = new Regex("^(?:" + value.Replace(@"\\", @"\", StringComparison.Ordinal) + ")$");
                        Assert.True(series.Any(s => s.TryGetValue(label, out var v) && regex.IsMatch(v)), $"{metric}{{{label}=~\"{value}\"}} matches none of this webhook's series: {expression}");
                    }
                    else
                    {
                        Assert.True(series.Any(s => s.TryGetValue(label, out var v) && v == value), $"{metric}{{{label}}} never takes the value {value}: {expression}");
                    }
                }

                checkedSelectors++;
            }

            foreach (Match grouping in GroupingPattern().Matches(expression).Where(_ => metrics.Count > 0 && !expression.Contains("waypoint_webhook_", StringComparison.Ordinal)))
            {
                foreach (var label in grouping.Groups["labels"].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    Assert.True(metrics.Any(m => samples[m].Any(s => s.ContainsKey(label))), $"groups by {label}, which no series of the expression carries: {expression}");
                }
            }
        }

        Assert.True(checkedSelectors >= 4, $"only {checkedSelectors} kube-apiserver selectors found in deploy/monitoring");
    }

    /// <summary>Every sample's labels by series name, and each series' HELP text.</summary>
    private static (Dictionary<string, List<Dictionary<string, string>>> Samples, Dictionary<string, string> Help) Parse(string text)
    {
        var samples = new Dictionary<string, List<Dictionary<string, string>>>(StringComparer.Ordinal);
        var help = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ', 4);
                help[parts[2]] = parts.Length > 3 ? parts[3] : "";
                continue;
            }

            var sample = SamplePattern().Match(line);
            if (sample.Success)
            {
                var labels = LabelPattern().Matches(sample.Groups["labels"].Value).ToDictionary(m => m.Groups["label"].Value, m => m.Groups["value"].Value, StringComparer.Ordinal);
                (samples.TryGetValue(sample.Groups["name"].Value, out var list) ? list : samples[sample.Groups["name"].Value] = []).Add(labels);
            }
        }

        return (samples, help);
    }

    [GeneratedRegex(@"\b(?<metric>apiserver_\w+)\b(?:\{(?<matchers>[^}]*)\})?")]
    private static partial Regex SelectorPattern();

    [GeneratedRegex(@"(?<label>\w+)\s*(?<op>=~|!~|!=|=)\s*""(?<value>(?:[^""\\]|\\.)*)""")]
    private static partial Regex MatcherPattern();

    [GeneratedRegex(@"\b(?:by|without)\s*\((?<labels>[^)]*)\)")]
    private static partial Regex GroupingPattern();

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?<labels>.*)\})? \S+")]
    private static partial Regex SamplePattern();

    [GeneratedRegex(@"(?<label>\w+)=""(?<value>(?:[^""\\]|\\.)*)""")]
    private static partial Regex LabelPattern();
}
