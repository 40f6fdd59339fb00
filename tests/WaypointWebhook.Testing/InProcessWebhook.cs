using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Testing;
using Serilog;
using Serilog.Events;
using Serilog.Extensions.Logging;
using WaypointWebhook.Cluster;
using WaypointWebhook.Hosting;
using WaypointWebhook.Settings;

namespace WaypointWebhook.Testing;

/// <summary>
/// The real server (<see cref="WebhookServer.Build"/>: Kestrel, TLS, both ports) started in-process on free
/// loopback ports, with settings overridden as <c>Webhook:Key</c> pairs (<c>ShutdownDelaySeconds</c> is 0
/// unless given). Stopped and disposed with the host.
/// </summary>
public sealed class InProcessWebhook : IAsyncDisposable
{
    private InProcessWebhook(WebApplication app, int port, int healthPort)
    {
        App = app;
        Port = port;
        HealthPort = healthPort;
    }

    public WebApplication App { get; }

    public int Port { get; }

    public int HealthPort { get; }

    public Uri Admission => new($"https://localhost:{Port}");

    public Uri Health => new($"http://127.0.0.1:{HealthPort}");

    /// <summary>Builds and starts the server; <paramref name="views"/> defaults to the example cluster, <paramref name="logger"/> to a silent one.</summary>
    public static async Task<InProcessWebhook> StartAsync(
        string certificateFile,
        string keyFile,
        IReadOnlyDictionary<string, string?>? settings = null,
        IClusterViewSource? views = null,
        Serilog.ILogger? logger = null,
        int? port = null)
    {
        var values = new Dictionary<string, string?> { ["Webhook:ShutdownDelaySeconds"] = "0" };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key.StartsWith("Webhook:", StringComparison.Ordinal) ? key : "Webhook:" + key] = value;
        }

        var admissionPort = port ?? FreePorts.Next();
        var healthPort = FreePorts.Next();
        var app = WebhookServer.Build(
            new ServeOptions(admissionPort, healthPort, certificateFile, keyFile, IPAddress.Loopback),
            WebhookSettings.Load(new ConfigurationBuilder().AddInMemoryCollection(values).Build()),
            views ?? ExampleViews.Source(),
            new ConfigurationBuilder().Build(),
            logger ?? new LoggerConfiguration().MinimumLevel.Warning().CreateLogger());
        await app.StartAsync();
        return new InProcessWebhook(app, admissionPort, healthPort);
    }

    /// <summary>
    /// A Serilog logger (what the server takes) whose events from <paramref name="minimum"/> up land in
    /// <paramref name="collector"/> as <see cref="FakeLogRecord"/>s, category = source context. The collector
    /// keeps what it is given: filter it to the categories the test reads.
    /// </summary>
    public static Serilog.ILogger LoggerInto(FakeLogCollector collector, LogEventLevel minimum = LogEventLevel.Information)
    {
        var providers = new LoggerProviderCollection();
        providers.AddProvider(new FakeLoggerProvider(collector));
        return new LoggerConfiguration().MinimumLevel.Is(minimum).WriteTo.Providers(providers).CreateLogger();
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
