using System.Net;
using System.Text;

namespace WaypointWebhook.Tests.Integration;

/// <summary>
/// A bounded load on loopback: many connections mixing allowed, denied, malformed and oversized
/// requests. The server must answer every one as the contract says (no 5xx), stay up, and keep its
/// memory flat. Throughput is the benchmark's business, not this test's.
/// </summary>
public sealed class LoopbackLoadTests(WebhookFixture server) : IClassFixture<WebhookFixture>
{
    private const int Connections = 32;
    private static readonly TimeSpan Phase = TimeSpan.FromSeconds(4);

    private enum Kind
    {
        Allowed,
        Denied,
        Malformed,
        Oversized,
    }

    private async Task<(int Requests, int Unexpected, List<string> Problems)> Drive(TimeSpan duration)
    {
        var bodies = new Dictionary<Kind, byte[]>
        {
            [Kind.Allowed] = Encoding.UTF8.GetBytes(Reviews.PodReview("a", "default", "p", ("app", "x")).ToJsonString()),
            [Kind.Denied] = Encoding.UTF8.GetBytes(Reviews.PodReview("d", "default", "p", ("istio.io/use-waypoint", "waypoint")).ToJsonString()),
            [Kind.Malformed] = Encoding.UTF8.GetBytes("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":"),
            [Kind.Oversized] = Encoding.UTF8.GetBytes("{\"pad\":\"" + new string('x', 300 * 1024) + "\"}"),
        };
        var expected = new Dictionary<Kind, HttpStatusCode>
        {
            [Kind.Allowed] = HttpStatusCode.OK,
            [Kind.Denied] = HttpStatusCode.OK,
            [Kind.Malformed] = HttpStatusCode.BadRequest,
            [Kind.Oversized] = HttpStatusCode.RequestEntityTooLarge,
        };

        var requests = 0;
        var unexpected = 0;
        var problems = new List<string>();
        var deadline = DateTime.UtcNow + duration;
        var workers = Enumerable.Range(0, Connections).Select(async worker =>
        {
            using var client = server.Certificates.Client();
            var i = worker;
            while (DateTime.UtcNow < deadline)
            {
                var kind = (i++ % 20) switch { < 9 => Kind.Allowed, < 17 => Kind.Denied, < 19 => Kind.Malformed, _ => Kind.Oversized };
                var content = new ByteArrayContent(bodies[kind]);
                content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
                try
                {
                    using var response = await client.PostAsync(new Uri(server.Admission, "/validate"), content);
                    var text = await response.Content.ReadAsStringAsync();
                    var ok = response.StatusCode == expected[kind]
                             && (kind != Kind.Denied || text.Contains("\"allowed\":false", StringComparison.Ordinal))
                             && (kind != Kind.Allowed || text.Contains("\"allowed\":true", StringComparison.Ordinal));
                    if (!ok)
                    {
                        Interlocked.Increment(ref unexpected);
                        lock (problems)
                        {
                            problems.Add($"{kind}: {(int)response.StatusCode} {text[..Math.Min(text.Length, 120)]}");
                        }
                    }
                }
                catch (HttpRequestException) when (kind == Kind.Oversized)
                {
                    // The server answers 413 without reading the rest; a client still sending may see the reset.
                }

                Interlocked.Increment(ref requests);
            }
        }).ToArray();
        await Task.WhenAll(workers);
        return (requests, unexpected, problems);
    }

    [Fact]
    public async Task Mixed_load_gets_no_5xx_and_memory_stays_flat()
    {
        // Warm up (JIT, pools, TLS sessions), then measure two equal phases: the second must not grow.
        await Drive(TimeSpan.FromSeconds(1));
        var first = await Drive(Phase);
        var afterFirst = GC.GetTotalMemory(forceFullCollection: true);
        var second = await Drive(Phase);
        var afterSecond = GC.GetTotalMemory(forceFullCollection: true);

        Assert.True(first.Unexpected + second.Unexpected == 0, string.Join('\n', first.Problems.Concat(second.Problems).Take(10)));
        Assert.True(first.Requests > 500, $"only {first.Requests} requests in the first phase");
        Assert.True(afterSecond - afterFirst < 16 * 1024 * 1024, $"managed heap grew by {(afterSecond - afterFirst) / 1024} KiB over {second.Requests} requests");

        using var health = await server.Http.GetAsync(new Uri(server.Health, "/healthz"));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }
}
