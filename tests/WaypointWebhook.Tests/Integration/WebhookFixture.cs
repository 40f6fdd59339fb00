using WaypointWebhook.Testing;

namespace WaypointWebhook.Tests.Integration;

/// <summary>The real server (Kestrel, TLS, both ports) over the example cluster state.</summary>
public sealed class WebhookFixture : IAsyncLifetime
{
    private InProcessWebhook host = null!;

    public TestCertificates Certificates { get; } = new();

    public int Port => host.Port;

    public int HealthPort => host.HealthPort;

    public WebApplication App => host.App;

    public HttpClient Https { get; private set; } = null!;

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    public Uri Admission => host.Admission;

    public Uri Health => host.Health;

    public async Task InitializeAsync()
    {
        host = await InProcessWebhook.StartAsync(Certificates.CertificateFile, Certificates.KeyFile, new Dictionary<string, string?> { ["MaxRequestBodyBytes"] = "262144" });
        Https = Certificates.Client();
    }

    public async Task DisposeAsync()
    {
        Https.Dispose();
        Http.Dispose();
        await host.DisposeAsync();
        Certificates.Dispose();
    }
}
