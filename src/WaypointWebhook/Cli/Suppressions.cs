using System.Text.RegularExpressions;
using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Cli;

/// <summary>
/// Findings a team has decided to live with, in istioctl's form: <c>--suppress "ReasonCode=Kind namespace/name"</c>
/// (<c>Kind name</c> for a cluster-scoped kind), <c>*</c> matching any run of characters in the reason and the
/// name parts; and the object annotation <c>waypoint.istio.io/analyze-suppress: "ReasonCode[,ReasonCode...]"</c>,
/// which travels with the object so the exception is reviewed where the object is.
/// </summary>
public sealed class Suppressions
{
    public const string Annotation = "waypoint.istio.io/analyze-suppress";

    private static readonly Regex Form = new(@"^(?<reason>[A-Za-z*]+)=(?<kind>[A-Za-z]+) (?:(?<namespace>[a-z0-9.*-]+)/)?(?<name>[a-z0-9.*-]+)$", RegexOptions.CultureInvariant);

    private readonly List<Rule> rules;

    private Suppressions(List<Rule> rules) => this.rules = rules;

    /// <exception cref="SuppressionException">An argument is not of the form, or names a reason code that does not exist.</exception>
    public static Suppressions Parse(IEnumerable<string> arguments)
    {
        var rules = new List<Rule>();
        foreach (var argument in arguments)
        {
            var match = Form.Match(argument);
            if (!match.Success)
            {
                throw new SuppressionException($"--suppress \"{argument}\": expected \"<ReasonCode>=<Kind> <namespace>/<name>\" (\"<Kind> <name>\" for a cluster-scoped kind), * as a wildcard in the reason and the names");
            }

            var reason = match.Groups["reason"].Value;
            if (!reason.Contains('*') && !ReasonCodeHelp.IsKnown(reason))
            {
                // A typo would otherwise suppress nothing, silently.
                throw new SuppressionException($"--suppress \"{argument}\": {reason} is not a reason code (one of {string.Join(", ", ReasonCodeHelp.All.Select(h => h.Code))})");
            }

            var ns = match.Groups["namespace"];
            rules.Add(new Rule(Glob(reason), match.Groups["kind"].Value, ns.Success ? Glob(ns.Value) : null, Glob(match.Groups["name"].Value)));
        }

        return new Suppressions(rules);
    }

    /// <summary>Whether a finding is suppressed, by an argument or by its object's annotation.</summary>
    public bool Suppresses(AnalyzedFinding finding, IReadOnlyDictionary<string, string> annotations) =>
        rules.Any(r => r.Matches(finding)) || ByAnnotation(finding.Finding.Reason, annotations);

    private static bool ByAnnotation(string reason, IReadOnlyDictionary<string, string> annotations) =>
        annotations.TryGetValue(Annotation, out var codes)
        && codes.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Any(c => Glob(c).IsMatch(reason));

    private static Regex Glob(string pattern) =>
        new($"^{Regex.Escape(pattern).Replace(@"\*", ".*", StringComparison.Ordinal)}$", RegexOptions.CultureInvariant);

    /// <param name="Namespace">Null for the cluster-scoped form, which matches only cluster-scoped objects.</param>
    private sealed record Rule(Regex Reason, string Kind, Regex? Namespace, Regex Name)
    {
        public bool Matches(AnalyzedFinding finding)
        {
            var obj = finding.Object;
            return Reason.IsMatch(finding.Finding.Reason)
                   && string.Equals(Kind, obj.Kind, StringComparison.Ordinal)
                   && (Namespace is null ? obj.Namespace is null : obj.Namespace is not null && Namespace.IsMatch(obj.Namespace))
                   && Name.IsMatch(obj.Name);
        }
    }
}
