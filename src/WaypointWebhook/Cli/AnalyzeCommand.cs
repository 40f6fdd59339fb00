using System.CommandLine;
using WaypointWebhook.Audit;
using WaypointWebhook.Cluster;
using WaypointWebhook.Cluster.Live;
using WaypointWebhook.Policy;
using WaypointWebhook.Policy.Model;
using WaypointWebhook.Settings;

namespace WaypointWebhook.Cli;

/// <summary>
/// <c>analyze [-f PATH ...] [--cluster-state PATH ...] [--kubeconfig F] [-n NAMESPACE] [-o text|json|sarif]
/// [--failure-threshold L] [--output-threshold L] [--suppress S ...]</c>: over files, or without <c>-f</c> over the
/// live cluster (how a cluster that predates the webhook finds its broken references).
/// </summary>
public static class AnalyzeCommand
{
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
            Description = "Output format: text, json or sarif (SARIF 2.1.0, for code scanning).",
            DefaultValueFactory = _ => "text",
        };
        format.AcceptOnlyFromAmong("text", "json", "sarif");
        var failureThreshold = LevelOption("--failure-threshold", FindingLevel.Error, "The exit code is 1 when a finding at or above this level is found: Error or Warning.");
        var outputThreshold = LevelOption("--output-threshold", FindingLevel.Warning, "Findings below this level are not printed: Error or Warning.");
        var suppress = new Option<string[]>("--suppress", "-S")
        {
            Description = "Suppress findings: \"<ReasonCode>=<Kind> <namespace>/<name>\" (\"<Kind> <name>\" when cluster-scoped), * as a wildcard in the reason and names. Repeatable.",
            AllowMultipleArgumentsPerToken = false,
        };

        var command = new Command("analyze", "Evaluates the waypoint rules as the webhook would on CREATE: over manifest files, or without -f over the live cluster.")
        {
            files, clusterState, kubeconfig, ns, format, failureThreshold, outputThreshold, suppress,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                var settings = WebhookSettings.Load(configuration([.. parse.UnmatchedTokens]));
                var suppressions = Suppressions.Parse(parse.GetValue(suppress) ?? []);
                var only = parse.GetValue(ns);
                var defaultNamespace = only ?? "default";
                var input = await ReadAsync(parse.GetValue(files), parse.GetValue(clusterState) ?? [], parse.GetValue(kubeconfig), only, error, cancellationToken);
                var snapshot = ClusterSnapshot.From(input.Cluster.Concat(input.Subjects), defaultNamespace);

                var policy = new WaypointPolicy(settings.ToPolicyOptions());
                var analysis = new Analyzer(policy, suppressions).Analyze(input.Subjects, snapshot, defaultNamespace, only);

                // A live cluster's unbound consumers, judged as serve's audit judges them: the list GET /unbound shows, whole.
                var unbound = input.Live is { } live ? AuditResult.Of(policy, live).List(only, int.MaxValue).Items : null;
                Report(output, parse.GetValue(format), analysis.Findings.Where(f => f.Level >= parse.GetValue(outputThreshold)).ToList(), unbound);
                AnalyzeSummary.Write(error, analysis, input.FileCount, unbound?.Count);

                // As istioctl: the failure threshold judges every finding not suppressed, printed or not. An
                // unbound consumer has lost its waypoint now, whoever made it: it fails at any threshold.
                return analysis.Findings.Any(f => f.Level >= parse.GetValue(failureThreshold)) || unbound?.Count > 0 ? ExitCodes.Findings : ExitCodes.Success;
            }
            catch (Exception e) when (e is ManifestException or SettingsException or SuppressionException or ClusterClientException)
            {
                error.WriteLine($"error: {e.Message}");
                return ExitCodes.UsageOrInput;
            }
            catch (Exception e) when (e is k8s.Autorest.HttpOperationException or HttpRequestException or k8s.KubernetesException)
            {
                error.WriteLine($"error: cannot list the cluster: {e.Message}");
                return ExitCodes.UsageOrInput;
            }
        });
        return command;
    }

    /// <summary>
    /// What is judged (from files, or the live cluster without -f), what it is judged against, how many files, and
    /// for a live cluster its view as <c>serve</c> keeps it (the consumer index the audit reads).
    /// </summary>
    private sealed record Input(List<Manifest> Subjects, List<Manifest> Cluster, int? FileCount, IClusterView? Live = null);

    private static async Task<Input> ReadAsync(string[]? paths, string[] clusterState, string? kubeconfig, string? only, TextWriter error, CancellationToken cancellationToken)
    {
        var cluster = ManifestReader.Read(clusterState);
        if (paths is { Length: > 0 })
        {
            var read = ManifestReader.Files(paths);
            return new Input(ManifestReader.Read(read, locate: true), cluster, read.Count);
        }

        // Progress only where someone watches it: never into a pipe, a file or a CI log.
        var progress = ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected ? error : null;
        var client = KubeClientFactory.Create(kubeconfig);
        var live = await new ClusterLister(client, progress: progress).ListAsync(only, cancellationToken);
        cluster.AddRange(live.Cluster);
        var view = await LiveViewSync.SyncOnceAsync(client, LiveViewSync.DefaultTimeout, cancellationToken);
        return new Input(live.Subjects, cluster, null, view);
    }

    /// <param name="unbound">A live cluster's unbound consumers; null for files. SARIF, whose results point into files, leaves them out.</param>
    private static void Report(TextWriter output, string? format, IReadOnlyList<AnalyzedFinding> shown, IReadOnlyList<UnboundItem>? unbound)
    {
        switch (format)
        {
            case "json":
                AnalyzeOutput.WriteJson(output, shown, unbound);
                break;
            case "sarif":
                SarifWriter.Write(output, shown, Environment.CurrentDirectory);
                break;
            default:
                AnalyzeOutput.WriteText(output, shown, unbound);
                break;
        }
    }

    /// <summary>
    /// A level named as istioctl names it, in any case. Parsed here rather than as a plain enum option,
    /// which would also take a number ("7") and compare it as a level above Error.
    /// </summary>
    private static Option<FindingLevel> LevelOption(string name, FindingLevel defaultLevel, string description) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultLevel,
        CustomParser = result =>
        {
            var token = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
            if (Enum.GetNames<FindingLevel>().FirstOrDefault(n => string.Equals(n, token, StringComparison.OrdinalIgnoreCase)) is { } level)
            {
                return Enum.Parse<FindingLevel>(level);
            }

            result.AddError($"{name} must be Error or Warning, not \"{token}\"");
            return defaultLevel;
        },
        HelpName = "Error|Warning",
    };
}
