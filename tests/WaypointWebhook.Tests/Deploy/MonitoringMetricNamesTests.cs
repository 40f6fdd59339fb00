using System.Reflection;
using WaypointWebhook.Admission;
using WaypointWebhook.Objects;
using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Tests.Deploy;

/// <summary>
/// The guard of issue #10: every webhook series the alerts, the dashboard and the promtool unit tests name
/// exists in a running webhook's /metrics, with every label they match or group by, and with the values
/// they match on. A renamed metric or label fails here, not in an operator's Prometheus. One row per
/// metric name, so a missing one shows by name. (The API server's series: tests/WaypointWebhook.EndToEnd,
/// MonitoringTests.)
/// </summary>
public sealed class MonitoringMetricNamesTests(MonitoringManifests monitoring, MonitoringWebhookScrape scrape)
    : IClassFixture<MonitoringManifests>, IClassFixture<MonitoringWebhookScrape>
{
    private const string Prefix = "waypoint_webhook_";

    /// <summary>Every webhook series named anywhere in deploy/monitoring or the unit tests' data (comments included).</summary>
    public static readonly IReadOnlyList<string> NameList =
        new[] { Path.Combine(MonitoringManifests.Folder, "prometheusrule.yaml"), MonitoringManifests.DashboardFile, MonitoringManifests.UnitTestFile }
            .SelectMany(f => MonitoringPromQL.Selectors(File.ReadAllText(f))).Select(s => s.Metric).Where(m => m.StartsWith(Prefix, StringComparison.Ordinal))
            .Distinct().Order(StringComparer.Ordinal).ToList();

    public static TheoryData<string> Names() => new(NameList);

    /// <summary>Label values fixed by the code (all of them, not only those one scrape shows); others must appear in the scrape.</summary>
    private static readonly Dictionary<string, HashSet<string>> CodeValues = new(StringComparer.Ordinal)
    {
        ["cause"] = [.. Enum.GetNames<RefusalCause>()],
        ["reason"] = [.. typeof(ReasonCodes).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!)],
        ["kind"] = [.. HandledKinds.All.Select(k => k.Kind), "other"],
    };

    [Fact]
    public void Every_family_the_monitoring_reads_is_listed_as_a_row()
    {
        Assert.Contains("waypoint_webhook_unbound_consumers", NameList);
        Assert.Contains("waypoint_webhook_admission_duration_seconds_bucket", NameList);
        var used = monitoring.Expressions.SelectMany(e => MonitoringPromQL.Selectors(e.Expression)).Concat(monitoring.TestSeries.SelectMany(MonitoringPromQL.Selectors))
            .Select(s => s.Metric).Where(m => m.StartsWith(Prefix, StringComparison.Ordinal)).ToHashSet();
        Assert.Subset(NameList.ToHashSet(), used);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Series_exists_in_a_running_webhooks_metrics_with_the_labels_and_values_used(string metric)
    {
        Assert.True(
            scrape.Samples.TryGetValue(metric, out var labels),
            $"{metric} has no sample in a running webhook's /metrics; its {Prefix}* samples are: {string.Join(", ", scrape.Samples.Keys.Where(k => k.StartsWith(Prefix, StringComparison.Ordinal)).Order())}");

        var uses = monitoring.Expressions.Select(e => (e.Where, e.Expression))
            .Concat(monitoring.TestSeries.Select(s => ("unit test series", s)))
            .Where(e => MonitoringPromQL.Selectors(e.Item2).Any(s => s.Metric == metric))
            .ToList();
        Assert.NotEmpty(uses);
        foreach (var (where, expression) in uses)
        {
            foreach (var (_, matchers) in MonitoringPromQL.Selectors(expression).Where(s => s.Metric == metric))
            {
                foreach (var (label, _, value) in matchers.Where(m => !MonitoringPromQL.TargetLabels.Contains(m.Label)))
                {
                    Assert.True(labels.ContainsKey(label), $"{where}: {metric} has no label {label} (it has {string.Join(", ", labels.Keys)}): {expression}");
                    var known = CodeValues.TryGetValue(label, out var fixedValues) ? fixedValues : labels[label];
                    foreach (var literal in MonitoringPromQL.LiteralValues(value))
                    {
                        Assert.True(known.Contains(literal), $"{where}: {metric}{{{label}}} never takes the value {literal} (known: {string.Join(", ", known.Order())}): {expression}");
                    }
                }
            }

            // A grouping label is the series' own, or one the scrape target adds.
            var ownLabels = MonitoringPromQL.Selectors(expression).Select(s => s.Metric).Distinct()
                .SelectMany(m => scrape.Samples.TryGetValue(m, out var l) ? (IEnumerable<string>)l.Keys : []).ToHashSet();
            foreach (var label in MonitoringPromQL.GroupingLabels(expression).Where(l => !MonitoringPromQL.TargetLabels.Contains(l)))
            {
                Assert.True(ownLabels.Contains(label), $"{where}: groups by {label}, which no series of the expression carries: {expression}");
            }
        }
    }

    [MonitoringPromtoolFact]
    public void The_webhooks_own_series_pass_promtools_metrics_lint()
    {
        // Naming and typing as Prometheus expects (_total counters, base units, no _count on a gauge). The
        // runtime's meter (system_runtime_*) is left out: its names are .NET's.
        var own = scrape.Text.Split('\n').Where(l => l.StartsWith(Prefix, StringComparison.Ordinal) || l.StartsWith("# HELP " + Prefix, StringComparison.Ordinal) || l.StartsWith("# TYPE " + Prefix, StringComparison.Ordinal));

        var result = Testing.ProcessRunner.Run(MonitoringPromtoolFactAttribute.Path!, ["check", "metrics"], stdin: string.Join('\n', own) + "\n");

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public void Counters_are_typed_counter_and_the_duration_a_histogram()
    {
        // rate() and histogram_quantile() read them as such; a gauge exported under a counter's name would
        // make rate() wrong after every restart.
        Assert.Equal("histogram", scrape.Types.GetValueOrDefault(Prefix + "admission_duration_seconds"));
        foreach (var counter in NameList.Where(n => n.EndsWith("_total", StringComparison.Ordinal)))
        {
            Assert.Equal("counter", scrape.Types.GetValueOrDefault(counter) ?? scrape.Types.GetValueOrDefault(counter[..^"_total".Length]));
        }
    }
}
