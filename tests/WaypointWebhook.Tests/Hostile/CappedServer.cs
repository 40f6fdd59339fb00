using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using WaypointWebhook.Tests.Integration;

namespace WaypointWebhook.Tests.Hostile;

/// <summary>
/// The real executable (<c>serve</c>) in its own process with the GC heap capped as in production
/// (<c>DOTNET_GCHeapHardLimit</c> 144 MiB, the Deployment's), so a test can measure its peak memory,
/// see it crash, and read its log. Killed by its PID on dispose. Loopback only.
/// </summary>
public class CappedServer : IAsyncLifetime
{
    /// <summary>The Deployment's memory limit: the process must stay under it.</summary>
    public const long ContainerLimitBytes = 256L * 1024 * 1024;

    /// <summary>The Deployment's <c>DOTNET_GCHeapHardLimit</c> (a test checks they agree).</summary>
    public const string HeapHardLimit = "0x9000000";

    private readonly object gate = new();
    private readonly List<string> lines = [];
    private Process? process;
    private Task? stderrPump;
    private Task? stdoutPump;

    public TestCertificates Certificates { get; } = new();

    public int Port { get; } = WebhookFixture.FreePort();

    public int HealthPort { get; } = WebhookFixture.FreePort();

    public HttpClient Https { get; private set; } = null!;

    /// <summary>Extra <c>--Webhook:Key=value</c> arguments.</summary>
    public virtual IEnumerable<string> Settings => [];

    /// <summary>Bytes the process wrote to standard error (its log).</summary>
    public long LogBytes { get; private set; }

    public int Pid => process!.Id;

    public bool HasExited => process!.HasExited;

    public string Url(string path) => $"https://localhost:{Port}{path}";

    public async Task InitializeAsync()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, StandardErrorEncoding = new UTF8Encoding(false) };
        foreach (var arg in new[]
                 {
                     Path.Combine(AppContext.BaseDirectory, "WaypointWebhook.dll"), "serve", "--cluster-state", Reviews.ExampleCluster,
                     "--port", Port.ToString(), "--health-port", HealthPort.ToString(),
                     "--tls-cert-file", Certificates.CertificateFile, "--tls-private-key-file", Certificates.KeyFile,
                     "--Webhook:ShutdownDelaySeconds=0",
                 }.Concat(Settings))
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_GCHeapHardLimit"] = HeapHardLimit;
        start.Environment["DOTNET_gcServer"] = "0";

        process = Process.Start(start)!;
        stderrPump = Task.Run(async () =>
        {
            var buffer = new char[64 * 1024];
            var line = new StringBuilder();
            int read;
            while ((read = await process.StandardError.ReadAsync(buffer)) > 0)
            {
                lock (gate)
                {
                    LogBytes += Encoding.UTF8.GetByteCount(buffer.AsSpan(0, read));
                    for (var i = 0; i < read; i++)
                    {
                        if (buffer[i] == '\n')
                        {
                            if (lines.Count < 100_000)
                            {
                                lines.Add(line.ToString());
                            }

                            line.Clear();
                        }
                        else if (line.Length < 1024 * 1024)
                        {
                            line.Append(buffer[i]);
                        }
                    }
                }
            }
        });
        stdoutPump = process.StandardOutput.ReadToEndAsync();
        Https = Client();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            Assert.False(process.HasExited, "the server exited at start: " + string.Join('\n', LogLines()));
            try
            {
                using var ready = await http.GetAsync($"http://127.0.0.1:{HealthPort}/readyz");
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    break;
                }
            }
            catch (HttpRequestException)
            {
            }

            Assert.True(DateTime.UtcNow < deadline, "the server did not become ready");
            await Task.Delay(100);
        }
    }

    public HttpClient Client(Version? version = null) => Certificates.Client(version);

    /// <summary>The log so far, line by line (lines over 1 MiB are kept cut).</summary>
    public List<string> LogLines()
    {
        lock (gate)
        {
            return [.. lines];
        }
    }

    /// <summary>The log is written through a buffer flushed every 0.5 s: wait for it.</summary>
    public async Task<List<string>> LogLinesAfterFlush()
    {
        await Task.Delay(1200);
        return LogLines();
    }

    /// <summary>The process's peak resident set (VmHWM), in bytes.</summary>
    public long PeakRss()
    {
        foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0]) * 1024;
            }
        }

        throw new InvalidOperationException("no VmHWM");
    }

    public async Task<(HttpStatusCode Status, string Body, long Length)> Post(string path, byte[] body, HttpClient? client = null)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var response = await (client ?? Https).PostAsync(Url(path), content);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        return (response.StatusCode, Encoding.UTF8.GetString(bytes), bytes.Length);
    }

    public Task<(HttpStatusCode Status, string Body, long Length)> Post(string path, JsonNode review, HttpClient? client = null) =>
        Post(path, Encoding.UTF8.GetBytes(review.ToJsonString()), client);

    /// <summary>An ordinary review answered while the server is under load: the server is alive and serving.</summary>
    public async Task AssertProbeAnswered(HttpClient? client = null)
    {
        var (status, body, _) = await Post("/validate", Reviews.PodReview("probe", "default", "probe", ("istio.io/use-waypoint", "waypoint")), client);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("\"uid\":\"probe\"", body);
        Assert.Contains("[UnsupportedTrafficType]", body);
    }

    public void AssertAliveAndUnderLimit()
    {
        Assert.False(process!.HasExited, "the server crashed: " + string.Join('\n', LogLines().TakeLast(20)));
        var peak = PeakRss();
        Console.WriteLine($"peak RSS {peak / (1024.0 * 1024):F1} MiB");
        Assert.True(peak < ContainerLimitBytes, $"peak RSS {peak / (1024.0 * 1024):F1} MiB is over the 256 MiB container limit");
    }

    public async Task DisposeAsync()
    {
        Https?.Dispose();
        if (process is not null)
        {
            if (!process.HasExited)
            {
                process.Kill();
            }

            await process.WaitForExitAsync();
            await Task.WhenAll(stderrPump!, stdoutPump!);
            process.Dispose();
        }

        Certificates.Dispose();
    }
}
