using System.Diagnostics;
using System.Net;
using System.Text;
using WaypointWebhook.Testing;

namespace WaypointWebhook.Tests.Integration;

/// <summary>The real executable, stopped with a real SIGTERM while a request is in flight.</summary>
public sealed class GracefulShutdownTests
{
    /// <summary>A request body that arrives slowly, so the request is in flight when SIGTERM lands.</summary>
    private sealed class SlowBody(byte[] bytes, TimeSpan pause, TaskCompletionSource started) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var half = bytes.Length / 2;
            await stream.WriteAsync(bytes.AsMemory(0, half));
            await stream.FlushAsync();
            started.TrySetResult();
            await Task.Delay(pause);
            await stream.WriteAsync(bytes.AsMemory(half));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = bytes.Length;
            return true;
        }
    }

    [Fact]
    public async Task Sigterm_keeps_serving_through_the_delay_and_completes_requests_in_flight()
    {
        using var certificates = new TestCertificates();
        var port = FreePorts.Next();
        var healthPort = FreePorts.Next();
        using var process = ProcessRunner.StartServe(port, healthPort, certificates.CertificateFile, certificates.KeyFile, ["--Webhook:ShutdownDelaySeconds=2"]);
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            await Eventually.Until(async () => (await TryGet(http, $"http://127.0.0.1:{healthPort}/readyz")) == HttpStatusCode.OK, "ready", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(50));

            using var https = certificates.Client();
            var started = new TaskCompletionSource();
            var body = Encoding.UTF8.GetBytes(Reviews.PodReview("in-flight", "default", "p", ("istio.io/use-waypoint", "waypoint")).ToJsonString());
            var content = new SlowBody(body, TimeSpan.FromSeconds(1), started);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            var inFlight = https.PostAsync($"https://localhost:{port}/validate", content);
            await started.Task;

            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString()]))
            {
                await kill.WaitForExitAsync();
            }

            // During the delay: not ready, yet still answering admissions.
            await Eventually.Until(async () => (await TryGet(http, $"http://127.0.0.1:{healthPort}/readyz")) == HttpStatusCode.ServiceUnavailable, "draining readiness", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(50));
            using var duringDelay = await https.PostAsync($"https://localhost:{port}/validate", new StringContent(Reviews.PodReview("late", "default", "p").ToJsonString(), Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, duringDelay.StatusCode);

            using var response = await inFlight;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("\"uid\":\"in-flight\"", await response.Content.ReadAsStringAsync());

            Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)), "the process did not exit after SIGTERM");
            Assert.Equal(0, process.ExitCode);
            Assert.Contains("Shutting down", await stderr);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }

            await stdout;
        }
    }

    private static async Task<HttpStatusCode?> TryGet(HttpClient http, string url)
    {
        try
        {
            using var response = await http.GetAsync(url);
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }
}
