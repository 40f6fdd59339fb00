using System.CommandLine;
using WaypointWebhook.Cluster;
using WaypointWebhook.Hosting;
using WaypointWebhook.Policy;

namespace WaypointWebhook.Cli;

/// <summary><c>analyze -f PATH [-f PATH ...] [--cluster-state PATH] [-n NAMESPACE] [-o text|json]</c>.</summary>
public static class AnalyzeCommand
{
    public const int NoDenials = 0;
    public const int Denials = 1;
    public const int UsageOrInput = 2;

    public static Command Create(Func<string[], IConfiguration> configuration, TextWriter output, TextWriter error)
    {
        var files = new Option<string[]>("--filename", "-f")
        {
            Description = "A manifest file or directory to analyze (YAML or JSON; - for standard input). Repeatable.",
            Required = true,
            AllowMultipleArgumentsPerToken = false,
        };
        var clusterState = new Option<string[]>("--cluster-state")
        {
            Description = "Manifests of the cluster the files are applied to (Gateways, GatewayClasses, Namespaces). Repeatable.",
        };
        var ns = new Option<string?>("--namespace", "-n")
        {
            Description = "The namespace of objects that name none (default: default); when given, only objects in it are reported.",
        };
        var format = new Option<string>("--output", "-o")
        {
            Description = "Output format: text or json.",
            DefaultValueFactory = _ => "text",
        };
        format.AcceptOnlyFromAmong("text", "json");

        var command = new Command("analyze", "Evaluates the waypoint rules over manifest files, as the webhook would on CREATE.")
        {
            files, clusterState, ns, format,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(parse =>
        {
            try
            {
                var settings = WebhookSettings.Load(configuration([.. parse.UnmatchedTokens]));
                var subjects = ManifestReader.Read(parse.GetValue(files)!);
                var cluster = ManifestReader.Read(parse.GetValue(clusterState) ?? []);
                var only = parse.GetValue(ns);
                var defaultNamespace = only ?? "default";
                var snapshot = ClusterSnapshot.From(cluster.Concat(subjects), defaultNamespace);

                var findings = new Analyzer(new WaypointPolicy(settings.ToPolicyOptions())).Analyze(subjects, snapshot, defaultNamespace, only);
                if (parse.GetValue(format) == "json")
                {
                    AnalyzeOutput.WriteJson(output, findings);
                }
                else
                {
                    AnalyzeOutput.WriteText(output, findings);
                }

                return findings.Any(f => f.Verdict == Policy.Model.Verdict.Deny) ? Denials : NoDenials;
            }
            catch (Exception e) when (e is ManifestException or SettingsException)
            {
                error.WriteLine($"error: {e.Message}");
                return UsageOrInput;
            }
        });
        return command;
    }
}
