using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using WaypointWebhook.Hosting;
using WaypointWebhook.Settings;
using WaypointWebhook.Testing;

namespace WaypointWebhook.Tests.Integration;

/// <summary>
/// Rotation the way a Secret volume does it: the files are symlinks through <c>..data</c>, which is
/// swapped atomically to a new timestamped folder. The next handshake must present the new
/// certificate, and no request may fail meanwhile.
/// </summary>
public sealed partial class CertificateReloadTests : IAsyncLifetime
{
    private readonly string volume = Directory.CreateTempSubdirectory("waypoint-secret-volume-").FullName;
    private readonly TestCertificates first = new();
    private readonly TestCertificates second = new();
    private readonly FakeLogCollector log = FakeLogCollector.Create(new FakeLogCollectorOptions { FilteredCategories = { typeof(CertificateReloader).FullName! } });
    private InProcessWebhook host = null!;

    private int port => host.Port;

    public async Task InitializeAsync()
    {
        Publish(first, "..2026_11_26_01");
        File.CreateSymbolicLink(Path.Combine(volume, "tls.crt"), "..data/tls.crt");
        File.CreateSymbolicLink(Path.Combine(volume, "tls.key"), "..data/tls.key");

        host = await InProcessWebhook.StartAsync(
            Path.Combine(volume, "tls.crt"),
            Path.Combine(volume, "tls.key"),
            new Dictionary<string, string?> { ["CertificateReloadSeconds"] = "0.1" },
            logger: InProcessWebhook.LoggerInto(log));
    }

    public async Task DisposeAsync()
    {
        await host.DisposeAsync();
        first.Dispose();
        second.Dispose();
        Directory.Delete(volume, recursive: true);
    }

    /// <summary>The reloader's lines so far (category <see cref="CertificateReloader"/>).</summary>
    private List<FakeLogRecord> ReloaderLog() =>
        log.GetSnapshot().Where(r => r.Category == typeof(CertificateReloader).FullName).ToList();

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

        Assert.True(await Eventually.Holds(() => Volatile.Read(ref succeeded) > 0, TimeSpan.FromSeconds(10)), "no request succeeded before the swap");
        Publish(second, "..2026_11_26_02");
        var serial = first.Serial;
        await Eventually.Holds(async () => (serial = await HandshakeSerial()) == second.Serial, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(50));
        var afterSwap = Volatile.Read(ref succeeded);
        Assert.True(await Eventually.Holds(() => Volatile.Read(ref succeeded) > afterSwap, TimeSpan.FromSeconds(10)), "no request succeeded after the swap");
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

        // The reloader saw the pair, refused it, and the old certificate is still the one presented.
        await Eventually.Until(
            () => ReloaderLog().Any(r => r.Level == LogLevel.Warning && r.Message.StartsWith("Keeping the current serving certificate: ", StringComparison.Ordinal)),
            "the reloader's refusal of the half-written pair",
            TimeSpan.FromSeconds(10));
        Assert.Equal(first.Serial, await HandshakeSerial());
        Assert.DoesNotContain(ReloaderLog(), r => r.Message.StartsWith("Reloaded the serving certificate", StringComparison.Ordinal));

        // Still polling: the whole pair, once written, is taken.
        Publish(second, "..2026_11_26_04");
        await Eventually.Until(async () => await HandshakeSerial() == second.Serial, "the complete pair after the half-written one", TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(50));
        Assert.Contains(ReloaderLog(), r => r.Level == LogLevel.Information && r.Message.StartsWith("Reloaded the serving certificate", StringComparison.Ordinal));
    }
}
