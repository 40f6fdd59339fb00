using System.Text.RegularExpressions;

namespace WaypointWebhook.Tests.Deploy;

/// <summary>
/// What a PromQL expression of deploy/monitoring names, read with regular expressions: its metric selectors
/// (the webhook's, the API server's and <c>up</c>) with their label matchers, and the labels of its
/// <c>by</c>/<c>without</c> clauses. Enough for the expressions shipped there; promtool checks their syntax.
/// </summary>
public static partial class MonitoringPromQL
{
    /// <summary>Labels Prometheus adds to every series of a ServiceMonitor's targets (and <c>le</c>, a histogram bucket's bound).</summary>
    public static readonly IReadOnlySet<string> TargetLabels = new HashSet<string>(["job", "instance", "namespace", "pod", "service", "endpoint", "container", "le"], StringComparer.Ordinal);

    /// <summary>Every metric selector: the series name and its matchers (label, operator, value as written between the quotes).</summary>
    public static IEnumerable<(string Metric, IReadOnlyList<(string Label, string Op, string Value)> Matchers)> Selectors(string expression)
    {
        foreach (Match match in SelectorPattern().Matches(expression))
        {
            var matchers = MatcherPattern().Matches(match.Groups["matchers"].Value)
                .Select(m => (m.Groups["label"].Value, m.Groups["op"].Value, m.Groups["value"].Value))
                .ToList();
            yield return (match.Groups["metric"].Value, matchers);
        }
    }

    /// <summary>The labels named in <c>by (...)</c> and <c>without (...)</c> clauses.</summary>
    public static IEnumerable<string> GroupingLabels(string expression) =>
        GroupingPattern().Matches(StringPattern().Replace(expression, "\"\""))
            .SelectMany(m => m.Groups["labels"].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>
    /// The values a matcher names when it lists plain words (<c>"a"</c>, <c>"a|b"</c>); empty for a real
    /// pattern (<c>".+\\.io"</c>) or a dashboard variable (<c>"$pod"</c>).
    /// </summary>
    public static IReadOnlyList<string> LiteralValues(string value) =>
        WordsPattern().IsMatch(value) ? value.Split('|') : [];

    [GeneratedRegex(@"\b(?<metric>waypoint_webhook_\w+|apiserver_\w+|up)\b(?:\{(?<matchers>[^}]*)\})?")]
    private static partial Regex SelectorPattern();

    [GeneratedRegex(@"(?<label>\w+)\s*(?<op>=~|!~|!=|=)\s*""(?<value>(?:[^""\\]|\\.)*)""")]
    private static partial Regex MatcherPattern();

    [GeneratedRegex(@"\b(?:by|without)\s*\((?<labels>[^)]*)\)")]
    private static partial Regex GroupingPattern();

    [GeneratedRegex(@"""(?:[^""\\]|\\.)*""")]
    private static partial Regex StringPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_]+(\|[A-Za-z0-9_]+)*$")]
    private static partial Regex WordsPattern();
}
