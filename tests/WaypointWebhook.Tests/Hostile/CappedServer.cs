using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using WaypointWebhook.Testing;
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

    public int Port { get; } = FreePorts.Next();

    public int HealthPort { get; } = FreePorts.Next();

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
        process = ProcessRunner.StartServe(
            Port,
            HealthPort,
            Certificates.CertificateFile,
            Certificates.KeyFile,
            ["--Webhook:ShutdownDelaySeconds=0", .. Settings],
            new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = HeapHardLimit, ["DOTNET_gcServer"] = "0" });
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
        async Task<bool> Ready()
        {
            Assert.False(process.HasExited, "the server exited at start: " + string.Join('\n', LogLines()));
            try
            {
                using var ready = await http.GetAsync($"http://127.0.0.1:{HealthPort}/readyz");
                return ready.StatusCode == HttpStatusCode.OK;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }

        Assert.True(await Eventually.Holds(Ready, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(100)), "the server did not become ready");
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

    /// <summary>
    /// The log is written through a buffer flushed every 0.5 s, in order: a marker admission (a denied Pod
    /// whose uid is new) is logged after everything before it, so once its line is read, so is all before it.
    /// Returns the lines before the marker's and the bytes the marker's line took.
    /// </summary>
    public async Task<(List<string> Lines, long MarkerBytes)> LogLinesThroughMarker()
    {
        var uid = "marker-" + Guid.NewGuid().ToString("N");
        var (status, _, _) = await Post("/validate", Reviews.PodReview(uid, "default", "marker", ("istio.io/use-waypoint", "None")));
        Assert.Equal(HttpStatusCode.OK, status);
        var needle = $"Admission {uid} denied";
        await Eventually.Until(() => LogLines().Any(l => l.Contains(needle, StringComparison.Ordinal)), "the marker's log line", TimeSpan.FromSeconds(10));
        var lines = LogLines();
        var at = lines.FindIndex(l => l.Contains(needle, StringComparison.Ordinal));
        Assert.Equal(lines.Count - 1, at);
        return (lines[..at], Encoding.UTF8.GetByteCount(lines[at]) + 1);
    }

    /// <summary>The log lines written before now (see <see cref="LogLinesThroughMarker"/>).</summary>
    public async Task<List<string>> LogLinesAfterFlush() => (await LogLinesThroughMarker()).Lines;

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
