using System.CommandLine;
using WaypointWebhook.Settings;

namespace WaypointWebhook.Cli;

/// <summary><c>serve --cluster-state PATH --port 8443 --health-port 8080 --tls-cert-file F --tls-private-key-file F</c>.</summary>
public static class ServeCommand
{
    /// <param name="host">Runs the server for a checked request (the composition root passes Hosting's); false when it could not start.</param>
    public static Command Create(Func<string[], IConfiguration> configuration, TextWriter error, Func<ServeRequest, CancellationToken, Task<bool>> host)
    {
        var clusterState = new Option<string[]>("--cluster-state")
        {
            Description = "Manifests holding the cluster's Gateways, GatewayClasses and Namespaces (repeatable); without it, the live cluster is watched.",
        };
        var kubeconfig = new Option<string?>("--kubeconfig")
        {
            Description = "Kubeconfig of the cluster to watch (default: KUBECONFIG, ~/.kube/config, then the in-cluster service account).",
        };
        var port = new Option<int>("--port") { Description = "HTTPS port of the admission endpoints.", DefaultValueFactory = _ => 8443 };
        var healthPort = new Option<int>("--health-port") { Description = "Plain HTTP port of /healthz and /readyz.", DefaultValueFactory = _ => 8080 };
        var certificate = new Option<string>("--tls-cert-file") { Description = "PEM serving certificate (with its chain).", Required = true };
        var key = new Option<string>("--tls-private-key-file") { Description = "PEM private key of the certificate.", Required = true };

        var command = new Command("serve", "Runs the admission webhook.") { clusterState, kubeconfig, port, healthPort, certificate, key };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, cancellation) =>
        {
            // One configuration per run: settings and the host read the same sources.
            var config = configuration([.. parse.UnmatchedTokens]);
            if (Settings(config, error) is not { } settings || Ports(parse.GetValue(port), parse.GetValue(healthPort), error) is not { } ports)
            {
                return ExitCodes.UsageOrInput;
            }

            var serve = new ServeOptions(ports.Admission, ports.Health, parse.GetValue(certificate) ?? string.Empty, parse.GetValue(key) ?? string.Empty);
            var request = new ServeRequest(settings, serve, parse.GetValue(clusterState) ?? [], parse.GetValue(kubeconfig), config);
            return await host(request, cancellation) ? ExitCodes.Success : ExitCodes.UsageOrInput;
        });
        return command;
    }

    private static WebhookSettings? Settings(IConfiguration configuration, TextWriter error)
    {
        try
        {
            return WebhookSettings.Load(configuration);
        }
        catch (SettingsException e)
        {
            error.WriteLine($"error: {e.Message}");
            return null;
        }
    }

    /// <summary>The admission and health ports, or null (with the error written) when they cannot both be served.</summary>
    private static (int Admission, int Health)? Ports(int admission, int health, TextWriter error)
    {
        if (admission is < 1 or > 65535 || health is < 1 or > 65535 || admission == health)
        {
            error.WriteLine("error: --port and --health-port must be two different ports between 1 and 65535");
            return null;
        }

        return (admission, health);
    }
}
