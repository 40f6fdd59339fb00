using System.CommandLine;
using WaypointWebhook.Cli;
using WaypointWebhook.Hosting;

namespace WaypointWebhook;

/// <summary>The composition root: the command line, with Hosting's server behind <c>serve</c>.</summary>
public static class Program
{
    public static Task<int> Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>The command line, also called by tests with their own writers.</summary>
    public static async Task<int> Run(string[] args, TextWriter output, TextWriter error)
    {
        var root = new RootCommand("WaypointWebhook: validates Istio ambient waypoint enrollment (istio.io/use-waypoint).")
        {
            ServeCommand.Create(Configuration, error, WebhookHost.RunAsync),
            AnalyzeCommand.Create(Configuration, output, error),
        };

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var problem in parse.Errors)
            {
                await error.WriteLineAsync($"error: {problem.Message}");
            }

            await error.WriteLineAsync("Run 'WaypointWebhook --help' for usage.");
            return ExitCodes.UsageOrInput;
        }

        return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
    }

    /// <summary>appsettings.json beside the binary, then environment, then <c>--Webhook:Key=value</c> flags.</summary>
    private static IConfiguration Configuration(string[] unmatched) =>
        new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(unmatched)
            .Build();
}
