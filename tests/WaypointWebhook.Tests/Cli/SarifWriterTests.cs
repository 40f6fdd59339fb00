using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using WaypointWebhook.Cli;
using WaypointWebhook.Policy.Model;
using WaypointWebhook.Testing;

namespace WaypointWebhook.Tests.Cli;

/// <summary>
/// <c>-o sarif</c>, validated against the SARIF 2.1.0 schema (OASIS sarif-spec's draft-07 copy, kept in
/// Cli/Data) by JsonSchema.Net, and checked field by field where code scanning reads it.
/// </summary>
public sealed class SarifWriterTests : IDisposable
{
    private static readonly JsonSchema Schema = JsonSchema.FromFile(Path.Combine(AppContext.BaseDirectory, "Cli", "Data", "sarif-schema-2.1.0.json"));

    private readonly AnalyzeRun run = new();

    public void Dispose() => run.Dispose();

    /// <summary>The schema's complaints about a document, empty when it is valid SARIF 2.1.0.</summary>
    private static List<string> SchemaErrors(string json)
    {
        using var document = JsonDocument.Parse(json);
        var result = Schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        return result.IsValid
            ? []
            : (result.Details ?? []).Where(d => d.Errors is { Count: > 0 }).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")).ToList();
    }

    private static string Sarif(IReadOnlyList<AnalyzedFinding> findings)
    {
        var output = new StringWriter();
        SarifWriter.Write(output, findings, Environment.CurrentDirectory);
        return output.ToString();
    }

    [Fact]
    public async Task Analyze_output_validates_and_points_each_result_at_its_file_line_and_object()
    {
        var file = run.Write("deploy/app.yaml", """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: wl, namespace: shop}
            spec:
              gatewayClassName: istio-waypoint
              listeners: [{name: mesh, port: 15008, protocol: HBONE}]
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: ratings
              namespace: shop
              labels:
                app: ratings
                istio.io/use-waypoint: wl
            """);

        var (exit, output, error) = await CliRunner.Run("analyze", "-f", Path.Combine(run.Dir, "deploy"), "-o", "sarif");

        Assert.Equal(1, exit);
        Assert.Equal("1 error, 1 warning in 2 objects from 1 file\n", error);
        Assert.Empty(SchemaErrors(output));
        var sarif = JsonNode.Parse(output)!;
        Assert.Equal("2.1.0", (string?)sarif["version"]);
        var runNode = Assert.Single(sarif["runs"]!.AsArray())!;
        var driver = runNode["tool"]!["driver"]!;
        Assert.Equal("WaypointWebhook", (string?)driver["name"]);
        Assert.False(string.IsNullOrEmpty((string?)driver["version"]));
        Assert.Equal(SarifWriter.InformationUri, (string?)driver["informationUri"]);

        var rules = driver["rules"]!.AsArray();
        Assert.Equal(ReasonCodeHelp.All.Select(h => h.Code), rules.Select(r => (string?)r!["id"]));
        Assert.All(rules, r =>
        {
            Assert.Equal($"{SarifWriter.ReadmeUri}#{((string)r!["id"]!).ToLowerInvariant()}", (string?)r["helpUri"]);
            Assert.False(string.IsNullOrWhiteSpace((string?)r["shortDescription"]!["text"]));
            Assert.False(string.IsNullOrWhiteSpace((string?)r["fullDescription"]!["text"]));
        });

        var uri = Path.GetRelativePath(Environment.CurrentDirectory, file).Replace(Path.DirectorySeparatorChar, '/');
        var results = runNode["results"]!.AsArray();
        Assert.Equal(
            [
                $"UnsupportedTrafficType error {uri} 15:5 Pod/shop/ratings Pod shop/ratings",
                $"NotInAmbient warning {uri} 15:5 Pod/shop/ratings Pod shop/ratings",
            ],
            results.Select(r =>
            {
                var location = Assert.Single(r!["locations"]!.AsArray())!;
                var physical = location["physicalLocation"]!;
                var logical = Assert.Single(location["logicalLocations"]!.AsArray())!;
                return $"{r["ruleId"]} {r["level"]} {physical["artifactLocation"]!["uri"]} {physical["region"]!["startLine"]}:{physical["region"]!["startColumn"]} "
                       + $"{logical["kind"]}/{logical["properties"]!["namespace"]}/{logical["name"]} {logical["fullyQualifiedName"]}";
            }));
        Assert.All(results, r => Assert.Equal(rules[(int)r!["ruleIndex"]!]!["id"]!.ToString(), (string?)r["ruleId"]));
        Assert.StartsWith("Pod shop/ratings: istio.io/use-waypoint=wl refers to waypoint shop/wl", (string?)results[0]!["message"]!["text"]);
    }

    [Fact]
    public void A_live_cluster_finding_has_only_a_logical_location_and_still_validates()
    {
        var finding = new AnalyzedFinding(new ObjectRef("GatewayClass", null, "mesh"), new Finding("G1", ReasonCodes.InvalidTrafficType, Verdict.Deny, "metadata.labels[istio.io/waypoint-for]", "bad <value>", "gateway"), Verdict.Deny);

        var output = Sarif([finding]);

        Assert.Empty(SchemaErrors(output));
        var location = JsonNode.Parse(output)!["runs"]![0]!["results"]![0]!["locations"]![0]!.AsObject();
        Assert.Equal(["logicalLocations"], location.Select(p => p.Key));
        Assert.Equal("""{"name":"mesh","fullyQualifiedName":"GatewayClass mesh","kind":"GatewayClass"}""", location["logicalLocations"]![0]!.ToJsonString());
    }

    [Fact]
    public void No_findings_is_a_valid_run_with_every_rule_and_no_results()
    {
        var output = Sarif([]);

        Assert.Empty(SchemaErrors(output));
        Assert.Empty(JsonNode.Parse(output)!["runs"]![0]!["results"]!.AsArray());
    }

    [Fact]
    public void The_validator_rejects_what_is_not_sarif()
    {
        var valid = JsonNode.Parse(Sarif([]))!;
        var wrongLevel = valid.DeepClone();
        wrongLevel["runs"]![0]!["results"]!.AsArray().Add(new JsonObject { ["ruleId"] = "X", ["level"] = "fatal", ["message"] = new JsonObject { ["text"] = "m" } });
        var noMessage = valid.DeepClone();
        noMessage["runs"]![0]!["results"]!.AsArray().Add(new JsonObject { ["ruleId"] = "X" });
        var badLine = valid.DeepClone();
        badLine["runs"]![0]!["results"]!.AsArray().Add(JsonNode.Parse("""{"message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a.yaml"},"region":{"startLine":0}}}]}"""));

        Assert.NotEmpty(SchemaErrors(wrongLevel.ToJsonString()));
        Assert.NotEmpty(SchemaErrors(noMessage.ToJsonString()));
        Assert.NotEmpty(SchemaErrors(badLine.ToJsonString()));
    }

    [Theory]
    [InlineData("deploy/app.yaml", "deploy/app.yaml")]
    [InlineData("./deploy/my app.yaml", "deploy/my%20app.yaml")]
    [InlineData("<stdin>", "%3Cstdin%3E")]
    [InlineData("../other/x#1.yaml", "../other/x%231.yaml")]
    public void Artifact_uris_are_relative_to_the_working_directory_and_escaped(string file, string uri)
    {
        Assert.Equal(uri, SarifWriter.ArtifactUri(file, "/work/repo"));
    }

    [Fact]
    public void An_absolute_path_under_the_working_directory_becomes_relative()
    {
        Assert.Equal("deploy/app.yaml", SarifWriter.ArtifactUri("/work/repo/deploy/app.yaml", "/work/repo"));
    }

    [Fact]
    public void Every_reason_code_has_help_and_a_readme_section()
    {
        var codes = typeof(ReasonCodes).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetValue(null)!).Order().ToList();
        Assert.Equal(codes, ReasonCodeHelp.All.Select(h => h.Code).Order());

        var headings = File.ReadAllLines(Path.Combine(Reviews.RepoRoot, "README.md")).Where(l => l.StartsWith("#### ", StringComparison.Ordinal)).Select(l => l[5..].Trim()).ToHashSet();
        Assert.All(codes, code => Assert.Contains(code, headings));
    }
}
