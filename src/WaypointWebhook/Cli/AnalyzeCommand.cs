using System.CommandLine;
using WaypointWebhook.Cluster;
using WaypointWebhook.Cluster.Live;
using WaypointWebhook.Hosting;
using WaypointWebhook.Policy;

namespace WaypointWebhook.Cli;

/// <summary>
/// <c>analyze [-f PATH ...] [--cluster-state PATH ...] [--kubeconfig F] [-n NAMESPACE] [-o text|json]</c>: over
/// files, or without <c>-f</c> over the live cluster (how a cluster that predates the webhook finds its broken references).
/// </summary>
public static class AnalyzeCommand
{
    public const int NoDenials = 0;
    public const int Denials = 1;
    public const int UsageOrInput = 2;

    public static Command Create(Func<string[], IConfiguration> configuration, TextWriter output, TextWriter error)
    {
        var files = new Option<string[]>("--filename", "-f")
        {
            Description = "A manifest file or directory to analyze (YAML or JSON; - for standard input). Repeatable. Without it, the live cluster is audited.",
            AllowMultipleArgumentsPerToken = false,
        };
        var kubeconfig = new Option<string?>("--kubeconfig")
        {
            Description = "Kubeconfig of the cluster to audit when no -f is given (default: KUBECONFIG, ~/.kube/config, in-cluster).",
        };
        var clusterState = new Option<string[]>("--cluster-state")
        {
            Description = "Manifests of the cluster the files are applied to (Gateways, GatewayClasses, Namespaces). Repeatable.",
        };
        var ns = new Option<string?>("--namespace", "-n")
        {
            Description = "Only objects in this namespace are reported; in files, objects that name no namespace are placed in it (default: default).",
        };
        var format = new Option<string>("--output", "-o")
        {
            Description = "Output format: text or json.",
            DefaultValueFactory = _ => "text",
        };
        format.AcceptOnlyFromAmong("text", "json");

        var command = new Command("analyze", "Evaluates the waypoint rules as the webhook would on CREATE: over manifest files, or without -f over the live cluster.")
        {
            files, clusterState, kubeconfig, ns, format,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                var settings = WebhookSettings.Load(configuration([.. parse.UnmatchedTokens]));
                var only = parse.GetValue(ns);
                var defaultNamespace = only ?? "default";
                var cluster = ManifestReader.Read(parse.GetValue(clusterState) ?? []);
                List<Manifest> subjects;
                if (parse.GetValue(files) is { Length: > 0 } paths)
                {
                    subjects = ManifestReader.Read(paths);
                }
                else
                {
                    var live = await new ClusterLister(KubeClientFactory.Create(parse.GetValue(kubeconfig))).ListAsync(only, cancellationToken);
                    subjects = live.Subjects;
                    cluster.AddRange(live.Cluster);
                }

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
            catch (Exception e) when (e is k8s.Autorest.HttpOperationException or HttpRequestException or k8s.KubernetesException)
            {
                error.WriteLine($"error: cannot list the cluster: {e.Message}");
                return UsageOrInput;
            }
        });
        return command;
    }
}
