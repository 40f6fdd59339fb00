using WaypointWebhook.Cluster;
using WaypointWebhook.Objects;
using WaypointWebhook.Policy;
using WaypointWebhook.Policy.Configuration;
using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Tests.Deploy;

/// <summary>deploy/examples/rules-v2 says in its comments what rules version 2 reports: it must stay true.</summary>
public sealed class RulesV2ExampleTests
{
    private static readonly string Directory = Path.Combine(Reviews.RepoRoot, "deploy", "examples", "rules-v2");

    [Fact]
    public void The_rules_v2_example_gets_the_verdicts_its_comments_promise()
    {
        var view = ClusterSnapshot.From(ManifestReader.Read([Path.Combine(Directory, "cluster.yaml")]));
        var policy = new WaypointPolicy(new PolicyOptions());

        var verdicts = ManifestReader.Read([Path.Combine(Directory, "manifests.yaml")])
            .Select(m => SubjectReader.Read(m.Kind, m.Object, "default"))
            .ToDictionary(s => s.Object.Name, s => policy.Review(Operation.Create, s, null, view));

        Assert.Equal(["W12 UnsupportedTrafficType"], Summary(verdicts["cart"].Warnings));
        Assert.Same(PolicyDecision.Allow, verdicts["checkout"]);
        Assert.Same(PolicyDecision.Allow, verdicts["storefront"]);
        Assert.True(verdicts["payments-7d4f9"].Allowed);
        Assert.Equal(["W7 UnsupportedTrafficType"], Summary(verdicts["payments-7d4f9"].Warnings));
        Assert.Equal(["W13 WaypointMissing"], Summary(verdicts["partner-api"].Warnings));
        Assert.All(verdicts.Values, v => Assert.True(v.Allowed));
    }

    private static string[] Summary(IEnumerable<Finding> findings) => findings.Select(f => $"{f.Rule} {f.Reason}").ToArray();
}
