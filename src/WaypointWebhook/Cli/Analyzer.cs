using WaypointWebhook.Cluster;
using WaypointWebhook.Objects;
using WaypointWebhook.Policy;
using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Cli;

/// <summary>
/// Evaluates manifests offline with the webhook's policy: every subject as a CREATE, against a cluster
/// made of the same manifests plus any cluster state.
/// </summary>
public sealed class Analyzer(WaypointPolicy policy, Suppressions? suppressions = null)
{
    /// <param name="subjects">The objects to judge.</param>
    /// <param name="cluster">The cluster they are judged against.</param>
    /// <param name="onlyNamespace">When set, only objects in this namespace (and the Namespace itself) are judged.</param>
    public Analysis Analyze(IEnumerable<Manifest> subjects, IClusterView cluster, string defaultNamespace, string? onlyNamespace)
    {
        var findings = new List<AnalyzedFinding>();
        var suppressed = new List<AnalyzedFinding>();
        var objects = 0;
        foreach (var manifest in subjects)
        {
            var subject = SubjectReader.Read(manifest.Kind, manifest.Object, defaultNamespace);
            if (onlyNamespace is not null && subject.ConsumerNamespace != onlyNamespace)
            {
                continue;
            }

            objects++;
            var decision = policy.Review(Operation.Create, subject, null, cluster);
            foreach (var (finding, verdict) in decision.Denials.Select(f => (f, Verdict.Deny)).Concat(decision.Warnings.Select(f => (f, Verdict.Warn))))
            {
                var analyzed = new AnalyzedFinding(subject.Object, finding, verdict) { Location = Locate(manifest.Location, finding.Field) };
                (suppressions?.Suppresses(analyzed, manifest.Annotations) == true ? suppressed : findings).Add(analyzed);
            }
        }

        return new Analysis(findings, suppressed, objects);
    }

    private static FindingLocation? Locate(SourceLocation? location, string field) =>
        location is null ? null : new FindingLocation(location.File, location.Start, location.Find(field));
}
