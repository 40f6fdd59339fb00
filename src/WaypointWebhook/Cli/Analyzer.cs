using WaypointWebhook.Cluster;
using WaypointWebhook.Objects;
using WaypointWebhook.Policy;
using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Cli;

/// <summary>One finding of <c>analyze</c>, about one object.</summary>
public sealed record AnalyzedFinding(ObjectRef Object, Finding Finding, Verdict Verdict);

/// <summary>
/// Evaluates manifests offline with the webhook's policy: every subject as a CREATE, against a cluster
/// made of the same manifests plus any cluster state.
/// </summary>
public sealed class Analyzer(WaypointPolicy policy)
{
    /// <param name="subjects">The objects to judge.</param>
    /// <param name="cluster">The cluster they are judged against.</param>
    /// <param name="onlyNamespace">When set, only objects in this namespace (and the Namespace itself) are judged.</param>
    public List<AnalyzedFinding> Analyze(IEnumerable<Manifest> subjects, IClusterView cluster, string defaultNamespace, string? onlyNamespace)
    {
        var findings = new List<AnalyzedFinding>();
        foreach (var manifest in subjects)
        {
            var subject = SubjectReader.Read(manifest.Kind, manifest.Object, defaultNamespace);
            if (onlyNamespace is not null && NamespaceOf(subject) != onlyNamespace)
            {
                continue;
            }

            var decision = policy.Review(Operation.Create, subject, null, cluster);
            findings.AddRange(decision.Denials.Select(f => new AnalyzedFinding(subject.Object, f, Verdict.Deny)));
            findings.AddRange(decision.Warnings.Select(f => new AnalyzedFinding(subject.Object, f, Verdict.Warn)));
        }

        return findings;
    }

    private static string? NamespaceOf(Subject subject) =>
        subject is EnrollingSubject { Kind: SubjectKind.Namespace } ? subject.Object.Name : subject.Object.Namespace;
}
