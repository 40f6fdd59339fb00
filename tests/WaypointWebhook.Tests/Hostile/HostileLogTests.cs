using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using WaypointWebhook.Admission;
using WaypointWebhook.Hosting;
using WaypointWebhook.Policy.Messages;

namespace WaypointWebhook.Tests.Hostile;

/// <summary>Text logs that nothing in a request can forge: every line the server writes is one of its own events.</summary>
[Collection(CappedServerCollection.Name)]
public sealed partial class HostileLogTests(CappedServer server) : IClassFixture<CappedServer>
{
    /// <summary>The text format: <c>HH:mm:ss.fff LVL SourceContext: message</c>.</summary>
    [GeneratedRegex(@"^\d\d:\d\d:\d\d\.\d{3} (VRB|DBG|INF|WRN|ERR|FTL) [A-Za-z.]+: ")]
    private static partial Regex EventLine();

    private const string Forged = "\n12:00:00.000 ERR WaypointWebhook.Hosting.AdmissionLog: forged";

    private static void AssertNoForgedLine(List<string> lines)
    {
        Assert.NotEmpty(lines);
        Assert.All(lines, line => Assert.Matches(EventLine(), line));
        Assert.DoesNotContain(lines, line => line.Contains('\u001b') || line.Contains('\0') || line.Contains('\u2028') || line.Contains('\u0085'));
    }

    [Fact]
    public async Task Newlines_escapes_and_NULs_in_uid_name_and_apiVersion_never_forge_a_line()
    {
        var badVersion = Reviews.PodReview("v", "default", "p");
        badVersion["apiVersion"] = "admission.k8s.io/v1" + Forged;
        var (status, body, _) = await server.Post("/validate", badVersion);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(Policy.Messages.SafeText.IsOneLine(body.TrimEnd('\n')), body);

        (status, _, _) = await server.Post("/validate", Reviews.PodReview("uid" + Forged + "\u001b[31m\0", "default", "p" + Forged + "\u2028\u0085\u001b]0;title\u0007", ("istio.io/use-waypoint", "None")));
        Assert.Equal(HttpStatusCode.OK, status);

        var lines = await server.LogLinesAfterFlush();
        AssertNoForgedLine(lines);
        Assert.Contains(lines, l => l.Contains("Admission uid\\u000a12:00:00.000 ERR WaypointWebhook.Hosting.AdmissionLog:… denied Pod default/p\\u000a12:00:00.000 ERR WaypointWebhook.Hosting.AdmissionLog: forged\\u2028\\u0085\\u001b]0;title\\u0007 CREATE reasons=InvalidLabelValue", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("rejected: request to \"Validate\" answered 400 (\"NotAdmissionReview\"): expected apiVersion admission.k8s.io/v1 and kind AdmissionReview, got \"admission.k8s.io/v1\\u000a12:00", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_admission_line_shows_the_namespace()
    {
        var (status, _, _) = await server.Post("/validate", Reviews.PodReview("ns-shown", "bookinfo", "ratings", ("istio.io/use-waypoint", "None")));
        Assert.Equal(HttpStatusCode.OK, status);

        var lines = await server.LogLinesAfterFlush();
        Assert.Contains(lines, l => l.Contains("Admission ns-shown denied Pod bookinfo/ratings CREATE reasons=InvalidLabelValue", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_4_MiB_operation_is_clipped_in_the_400_and_in_the_log()
    {
        var review = Reviews.PodReview("big-op", "default", "p");
        review["request"]!["operation"] = new string('X', 4 * 1024 * 1024);
        var before = server.LogBytes;

        var (status, body, length) = await server.Post("/validate", review);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.InRange(length, 1, AdmissionEndpoints.MaxErrorMessageLength * 3 + 1);
        Assert.StartsWith("request.operation \"XXXX", body);
        Assert.EndsWith(" is not CREATE, UPDATE, DELETE or CONNECT\n", body);
        var (lines, marker) = await server.LogLinesThroughMarker();
        Assert.All(lines, l => Assert.InRange(l.Length, 0, 2048));
        Assert.InRange(server.LogBytes - marker - before, 1, 4096);
    }
}

/// <summary>A flood of bad requests cannot flood the log: at most 10 events per 10 s, and a count of the rest.</summary>
[Collection(CappedServerCollection.Name)]
public sealed class BadRequestFloodTests(CappedServer server) : IClassFixture<CappedServer>
{
    [Fact]
    public async Task Eighty_bad_requests_log_ten_lines()
    {
        var before = server.LogBytes;
        for (var i = 0; i < 80; i++)
        {
            var (status, _, _) = await server.Post("/validate", Encoding.UTF8.GetBytes("{\"apiVersion\":\"nope" + new string('x', 64 * 1024) + "\"}"));
            Assert.Equal(HttpStatusCode.BadRequest, status);
        }

        var (lines, marker) = await server.LogLinesThroughMarker();
        Assert.Equal(AdmissionLog.BadRequestsPerWindow, lines.Count(l => l.Contains(" rejected: ", StringComparison.Ordinal)));
        Assert.InRange(server.LogBytes - marker - before, 1, 10 * 1024);
    }
}

/// <summary>The bad-request rate limit, on a clock the test moves.</summary>
public sealed class AdmissionLogRateLimitTests
{
    [Fact]
    public void Bad_requests_beyond_ten_per_window_are_counted_and_the_count_is_logged_with_the_next()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 21, 0, 0, TimeSpan.Zero));
        var logger = new FakeLogger<AdmissionLog>();
        var log = new AdmissionLog(logger, clock);
        var bad = new Refused(400, RefusalCause.MalformedJson, "request body is not a valid AdmissionReview");

        for (var i = 0; i < 50; i++)
        {
            log.Record(AdmissionEndpoint.Validate, bad, TimeSpan.Zero);
        }

        Assert.Equal(10, logger.Collector.Count);
        clock.Advance(TimeSpan.FromSeconds(11));
        log.Record(AdmissionEndpoint.Validate, bad, TimeSpan.Zero);

        var entries = logger.Collector.GetSnapshot();
        Assert.Equal(12, entries.Count);
        Assert.Equal("40 bad requests were not logged since 2026-12-01T21:00:00.0000000+00:00 (at most 10 logged per 10 s)", entries[10].Message);
        Assert.Equal("Admission - rejected: request to Validate answered 400 (MalformedJson): request body is not a valid AdmissionReview", entries[11].Message);
    }
}

/// <summary>Metric labels never come from the client: unknown kinds are one series, <c>other</c>.</summary>
[Collection(CappedServerCollection.Name)]
public sealed class MetricLabelTests(CappedServer server) : IClassFixture<CappedServer>
{
    private async Task<List<string>> Series()
    {
        using var http = new HttpClient();
        var scrape = await http.GetStringAsync($"http://127.0.0.1:{server.HealthPort}/metrics");
        return scrape.Split('\n').Where(l => l.StartsWith("waypoint_webhook_", StringComparison.Ordinal)).Select(l => l[..l.LastIndexOf(' ')]).Order(StringComparer.Ordinal).ToList();
    }

    private static JsonObject Unknown(string kind) =>
        Reviews.Review("k-" + kind.Length, "example.com", "v1", kind, "default", "w", "CREATE", new JsonObject { ["metadata"] = new JsonObject { ["name"] = "w" } });

    [Fact]
    public async Task Ten_thousand_unknown_kinds_and_huge_kind_names_leave_the_scrape_the_same()
    {
        var (status, _, _) = await server.Post("/validate", Unknown("Widget"));
        Assert.Equal(HttpStatusCode.OK, status);
        var before = await Series();

        using var clients = new DisposableList<HttpClient>(Enumerable.Range(0, 4).Select(_ => server.Client()));
        await Task.WhenAll(clients.Items.Select(async (client, c) =>
        {
            for (var i = c; i < 10_000; i += 4)
            {
                var (s, _, _) = await server.Post("/validate", Unknown("Widget" + i), client);
                Assert.Equal(HttpStatusCode.OK, s);
            }
        }));
        for (var i = 0; i < 3; i++)
        {
            (status, _, _) = await server.Post("/validate", Unknown(new string((char)('A' + i), 1024 * 1024)));
            Assert.Equal(HttpStatusCode.OK, status);
        }

        var after = await Series();
        Assert.Equal(before, after);
        Assert.Contains(after, s => s.Contains("kind=\"other\"", StringComparison.Ordinal));
        Assert.All(after, s => Assert.InRange(s.Length, 1, 300));
    }
}
