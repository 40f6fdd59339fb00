using System.CommandLine;
using WaypointWebhook.Cluster;
using WaypointWebhook.Hosting;

namespace WaypointWebhook.Cli;

/// <summary><c>serve --cluster-state PATH --port 8443 --health-port 8080 --tls-cert-file F --tls-private-key-file F</c>.</summary>
public static class ServeCommand
{
    public static Command Create(Func<string[], IConfiguration> configuration, TextWriter error)
    {
        var clusterState = new Option<string[]>("--cluster-state")
        {
            Description = "Manifests holding the cluster's Gateways, GatewayClasses and Namespaces. Repeatable.",
            Required = true,
        };
        var port = new Option<int>("--port") { Description = "HTTPS port of the admission endpoints.", DefaultValueFactory = _ => 8443 };
        var healthPort = new Option<int>("--health-port") { Description = "Plain HTTP port of /healthz and /readyz.", DefaultValueFactory = _ => 8080 };
        var certificate = new Option<string>("--tls-cert-file") { Description = "PEM serving certificate (with its chain).", Required = true };
        var key = new Option<string>("--tls-private-key-file") { Description = "PEM private key of the certificate.", Required = true };

        var command = new Command("serve", "Runs the admission webhook.") { clusterState, port, healthPort, certificate, key };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, cancellation) =>
        {
            WebhookSettings settings;
            try
            {
                settings = WebhookSettings.Load(configuration([.. parse.UnmatchedTokens]));
            }
            catch (SettingsException e)
            {
                error.WriteLine($"error: {e.Message}");
                return 2;
            }

            var ports = (parse.GetValue(port), parse.GetValue(healthPort));
            if (ports.Item1 is < 1 or > 65535 || ports.Item2 is < 1 or > 65535 || ports.Item1 == ports.Item2)
            {
                error.WriteLine("error: --port and --health-port must be two different ports between 1 and 65535");
                return 2;
            }

            using var logger = Logging.Create(settings);
            try
            {
                var paths = parse.GetValue(clusterState)!;
                var snapshot = ClusterSnapshot.From(ManifestReader.Read(paths));
                var views = new ManifestClusterViewSource(snapshot, paths);
                logger.ForContext("SourceContext", "WaypointWebhook.Cluster").Information("Cluster view loaded from {Source}", views.Describe());

                var app = WebhookServer.Build(
                    new ServeOptions(ports.Item1, ports.Item2, parse.GetValue(certificate)!, parse.GetValue(key)!),
                    settings,
                    views,
                    configuration([.. parse.UnmatchedTokens]),
                    logger);
                await app.RunAsync(cancellation);
                return 0;
            }
            catch (Exception e) when (e is ManifestException or SettingsException)
            {
                logger.Fatal("Cannot start: {Message}", e.Message);
                return 2;
            }
        });
        return command;
    }
}
