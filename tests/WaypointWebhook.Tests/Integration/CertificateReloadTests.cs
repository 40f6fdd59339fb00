using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Configuration;
using Serilog;
using WaypointWebhook.Cluster;
using WaypointWebhook.Hosting;
using WaypointWebhook.Settings;

namespace WaypointWebhook.Tests.Integration;

/// <summary>
/// Rotation the way a Secret volume does it: the files are symlinks through <c>..data</c>, which is
/// swapped atomically to a new timestamped folder. The next handshake must present the new
/// certificate, and no request may fail meanwhile.
/// </summary>
public sealed partial class CertificateReloadTests : IAsyncLifetime
{
    private readonly string volume = Directory.CreateTempSubdirectory("waypoint-secret-volume-").FullName;
    private readonly int port = WebhookFixture.FreePort();
    private readonly TestCertificates first = new();
    private readonly TestCertificates second = new();
    private WebApplication app = null!;

    public async Task InitializeAsync()
    {
        Publish(first, "..2026_11_26_01");
        File.CreateSymbolicLink(Path.Combine(volume, "tls.crt"), "..data/tls.crt");
        File.CreateSymbolicLink(Path.Combine(volume, "tls.key"), "..data/tls.key");

        var paths = new[] { Reviews.ExampleCluster };
        var settings = WebhookSettings.Load(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Webhook:CertificateReloadSeconds"] = "0.1",
            ["Webhook:ShutdownDelaySeconds"] = "0",
        }).Build());
        app = WebhookServer.Build(
            new ServeOptions(port, WebhookFixture.FreePort(), Path.Combine(volume, "tls.crt"), Path.Combine(volume, "tls.key"), IPAddress.Loopback),
            settings,
            new ManifestClusterViewSource(ClusterSnapshot.From(ManifestReader.Read(paths)), paths),
            new ConfigurationBuilder().Build(),
            new LoggerConfiguration().CreateLogger());
        await app.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        first.Dispose();
        second.Dispose();
        Directory.Delete(volume, recursive: true);
    }

    /// <summary>Writes a pair into a timestamped folder and points <c>..data</c> at it with an atomic rename.</summary>
    private void Publish(TestCertificates pair, string folder)
    {
        var dir = Path.Combine(volume, folder);
        Directory.CreateDirectory(dir);
        File.Copy(pair.CertificateFile, Path.Combine(dir, "tls.crt"));
        File.Copy(pair.KeyFile, Path.Combine(dir, "tls.key"));
        SwapData(folder);
    }

    /// <summary>kubelet's atomic writer: a new symlink renamed over <c>..data</c> (rename(2) replaces it in one step).</summary>
    private void SwapData(string folder)
    {
        var temp = Path.Combine(volume, "..data_tmp");
        File.CreateSymbolicLink(temp, folder);
        Assert.Equal(0, Rename(temp, Path.Combine(volume, "..data")));
    }

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "rename", StringMarshalling = System.Runtime.InteropServices.StringMarshalling.Utf8)]
    private static partial int Rename(string from, string to);

    /// <summary>A fresh TLS handshake; returns the serial of the certificate the server presented.</summary>
    private async Task<string> HandshakeSerial()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        await using var tls = new SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync("localhost");
        return tls.RemoteCertificate!.GetSerialNumberString();
    }

    [Fact]
    public async Task Rotated_certificate_is_served_without_restart_or_failed_requests()
    {
        Assert.Equal(first.Serial, await HandshakeSerial());

        // Requests keep flowing through the swap, each on a new connection, trusting either CA.
        using var stop = new CancellationTokenSource();
        var failures = 0;
        var succeeded = 0;
        var traffic = Task.Run(async () =>
        {
            var body = Reviews.PodReview("u", "default", "p").ToJsonString();
            while (!stop.IsCancellationRequested)
            {
                using var client = new HttpClient(new SocketsHttpHandler
                {
                    PooledConnectionLifetime = TimeSpan.Zero,
                    SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null },
                });
                try
                {
                    using var response = await client.PostAsync($"https://localhost:{port}/validate", new StringContent(body, Encoding.UTF8, "application/json"));
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        Interlocked.Increment(ref succeeded);
                    }
                    else
                    {
                        Interlocked.Increment(ref failures);
                    }
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        });

        await Task.Delay(200);
        Publish(second, "..2026_11_26_02");
        var deadline = DateTime.UtcNow.AddSeconds(10);
        string serial;
        do
        {
            await Task.Delay(50);
            serial = await HandshakeSerial();
        }
        while (serial != second.Serial && DateTime.UtcNow < deadline);
        await Task.Delay(200);
        await stop.CancelAsync();
        await traffic;

        Assert.Equal(second.Serial, serial);
        Assert.Equal(0, failures);
        Assert.True(succeeded > 0);
    }

    [Fact]
    public async Task Half_written_pair_keeps_the_old_certificate()
    {
        // A certificate without its key (the key of another pair): the load fails and the old one stays.
        var dir = Path.Combine(volume, "..2026_11_26_03");
        Directory.CreateDirectory(dir);
        File.Copy(second.CertificateFile, Path.Combine(dir, "tls.crt"));
        File.Copy(first.KeyFile, Path.Combine(dir, "tls.key"));
        SwapData("..2026_11_26_03");
        await Task.Delay(500);

        Assert.Equal(first.Serial, await HandshakeSerial());
    }
}
