using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Serilog;
using WaypointWebhook.Cluster;
using WaypointWebhook.Hosting;
using WaypointWebhook.Settings;

namespace WaypointWebhook.Tests.Integration;

/// <summary>The real server (Kestrel, TLS, both ports) over the example cluster state.</summary>
public sealed class WebhookFixture : IAsyncLifetime
{
    public TestCertificates Certificates { get; } = new();

    public int Port { get; } = FreePort();

    public int HealthPort { get; } = FreePort();

    public WebApplication App { get; private set; } = null!;

    public HttpClient Https { get; private set; } = null!;

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    public Uri Admission => new($"https://localhost:{Port}");

    public Uri Health => new($"http://127.0.0.1:{HealthPort}");

    public async Task InitializeAsync()
    {
        var paths = new[] { Reviews.ExampleCluster };
        var views = new ManifestClusterViewSource(ClusterSnapshot.From(ManifestReader.Read(paths)), paths);
        var settings = WebhookSettings.Load(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Webhook:MaxRequestBodyBytes"] = "262144", ["Webhook:ShutdownDelaySeconds"] = "0" }).Build());
        var logger = new LoggerConfiguration().MinimumLevel.Warning().CreateLogger();
        App = WebhookServer.Build(
            new ServeOptions(Port, HealthPort, Certificates.CertificateFile, Certificates.KeyFile, IPAddress.Loopback),
            settings,
            views,
            new ConfigurationBuilder().Build(),
            logger);
        await App.StartAsync();
        Https = Certificates.Client();
    }

    public async Task DisposeAsync()
    {
        Https.Dispose();
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        Certificates.Dispose();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
