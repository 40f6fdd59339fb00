using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using WaypointWebhook.Testing;
using static WaypointWebhook.Tests.Reviews;

namespace WaypointWebhook.Tests.Integration;

/// <summary>AdmissionReviews over real HTTPS to the real server, including the bad-request matrix.</summary>
public sealed class HttpsServerTests(WebhookFixture server) : IClassFixture<WebhookFixture>
{
    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private async Task<(HttpStatusCode Status, string Body)> Post(string path, HttpContent content, HttpClient? client = null)
    {
        using var response = await (client ?? server.Https).PostAsync(new Uri(server.Admission, path), content);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Health_and_readiness_answer_on_the_plain_port()
    {
        using var healthz = await server.Http.GetAsync(new Uri(server.Health, "/healthz"));
        using var readyz = await server.Http.GetAsync(new Uri(server.Health, "/readyz"));

        Assert.Equal(HttpStatusCode.OK, healthz.StatusCode);
        Assert.Equal(HttpStatusCode.OK, readyz.StatusCode);
        Assert.Equal("ok\n", await readyz.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Admission_paths_are_not_served_on_the_health_port_and_health_not_on_the_admission_port()
    {
        using var validate = await server.Http.PostAsync(new Uri(server.Health, "/validate"), Json("{}"));
        using var healthz = await server.Https.GetAsync(new Uri(server.Admission, "/healthz"));

        Assert.Equal(HttpStatusCode.NotFound, validate.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, healthz.StatusCode);
    }

    [Fact]
    public async Task Sample_request_from_the_README_is_denied()
    {
        var body = await File.ReadAllTextAsync(RepoPaths.ExampleRequest("pod-on-service-waypoint.json"));

        var (status, text) = await Post("/validate", Json(body));

        Assert.Equal(HttpStatusCode.OK, status);
        var response = JsonNode.Parse(text)!["response"]!;
        Assert.Equal("0d7b0c2e-6d0a-4f7c-9a55-5c6a7e1f0001", (string?)response["uid"]);
        Assert.False((bool)response["allowed"]!);
        Assert.Equal(403, (int)response["status"]!["code"]!);
        Assert.StartsWith("[UnsupportedTrafficType] Pod default/ratings:", (string?)response["status"]!["message"]);
    }

    [Fact]
    public async Task Mutate_over_http2_returns_the_patch()
    {
        using var http2 = server.Certificates.Client(HttpVersion.Version20);
        var body = await File.ReadAllTextAsync(RepoPaths.ExampleRequest("gateway-without-traffic-type.json"));

        using var response = await http2.PostAsync(new Uri(server.Admission, "/mutate"), Json(body));
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["response"]!;

        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.True((bool)answer["allowed"]!);
        Assert.Equal("""[{"op":"add","path":"/metadata/labels","value":{"istio.io/waypoint-for":"service"}},{"op":"add","path":"/metadata/annotations","value":{"waypoint.istio.io/defaulted":"waypoint-for"}}]""", Encoding.UTF8.GetString(Convert.FromBase64String((string)answer["patch"]!)));
    }

    [Fact]
    public async Task Content_type_with_charset_is_accepted()
    {
        var content = new StringContent(PodReview("u", "default", "p").ToJsonString());
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json; charset=utf-8");

        var (status, _) = await Post("/validate", content);

        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/jsonx")]
    [InlineData("application/yaml")]
    public async Task Wrong_content_type_is_415(string contentType)
    {
        var content = new StringContent(PodReview("u", "default", "p").ToJsonString());
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);

        var (status, text) = await Post("/validate", content);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        Assert.StartsWith("Content-Type must be application/json", text);
    }

    [Fact]
    public async Task Body_over_the_limit_is_413_with_content_length_and_chunked()
    {
        var huge = new string(' ', 300 * 1024) + "{}";
        var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(huge)));
        chunked.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.Admission, "/validate")) { Content = chunked };
        request.Headers.TransferEncodingChunked = true;

        var (status, text) = await Post("/validate", Json(huge));
        using var chunkedResponse = await server.Https.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("request body exceeds the limit of 262144 bytes\n", text);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, chunkedResponse.StatusCode);
    }

    [Theory]
    [InlineData("{\"apiVersion\":", "invalid JSON")]
    [InlineData("""{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"operation":"CREATE"}}""", "AdmissionReview request has no uid")]
    [InlineData("""{"apiVersion":"v1","kind":"AdmissionReview","request":{"uid":"x"}}""", "expected apiVersion admission.k8s.io/v1 and kind AdmissionReview")]
    public async Task Malformed_reviews_are_400_with_a_plain_message(string body, string message)
    {
        var (status, text) = await Post("/validate", Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(message, text);
    }

    [Fact]
    public async Task Get_on_validate_is_405()
    {
        using var response = await server.Https.GetAsync(new Uri(server.Admission, "/validate"));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(["POST"], response.Content.Headers.Allow);
    }

    [Fact]
    public async Task The_admission_port_matches_its_two_paths_case_insensitively_with_a_trailing_slash_and_nothing_else()
    {
        // As routing matches: the path case-insensitively, a trailing slash allowed; POST only.
        var review = PodReview("r1", "default", "p", ("istio.io/use-waypoint", "waypoint")).ToJsonString();
        var (upper, upperBody) = await Post("/VALIDATE", Json(review));
        var (slash, _) = await Post("/validate/", Json(review));
        var (mutate, mutateBody) = await Post("/Mutate/", Json(review));
        Assert.Equal(HttpStatusCode.OK, upper);
        Assert.Equal("r1", (string?)JsonNode.Parse(upperBody)!["response"]!["uid"]);
        Assert.Equal(HttpStatusCode.OK, slash);
        Assert.Equal(HttpStatusCode.OK, mutate);
        Assert.True((bool)JsonNode.Parse(mutateBody)!["response"]!["allowed"]!);

        using var put = await server.Https.PutAsync(new Uri(server.Admission, "/mutate"), Json(review));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, put.StatusCode);
        foreach (var path in new[] { "/", "/validatex", "/validate/x", "/mutate//", "/healthz" })
        {
            var (status, _) = await Post(path, Json(review));
            Assert.Equal(HttpStatusCode.NotFound, status);
        }
    }

    [Fact]
    public async Task An_answer_is_sent_with_its_content_length_not_chunked()
    {
        var body = await File.ReadAllTextAsync(RepoPaths.ExampleRequest("pod-on-service-waypoint.json"));
        using var http11 = new HttpRequestMessage(HttpMethod.Post, new Uri(server.Admission, "/validate")) { Content = Json(body), Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var response = await server.Https.SendAsync(http11);
        var bytes = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEqual(true, response.Headers.TransferEncodingChunked);
        Assert.Equal(bytes.Length, response.Content.Headers.ContentLength);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.False((bool)JsonNode.Parse(bytes)!["response"]!["allowed"]!);
    }

    [Fact]
    public async Task Bad_requests_do_not_affect_concurrent_good_ones()
    {
        var good = PodReview("good", "default", "p", ("istio.io/use-waypoint", "waypoint")).ToJsonString();
        var tasks = Enumerable.Range(0, 60).Select(i => (i % 3) switch
        {
            0 => Post("/validate", Json(good)),
            1 => Post("/validate", Json("{\"broken\"")),
            _ => Post("/validate", Json(new string('[', 5000))),
        }).ToArray();

        var results = await Task.WhenAll(tasks);

        for (var i = 0; i < results.Length; i++)
        {
            Assert.Equal(i % 3 == 0 ? HttpStatusCode.OK : HttpStatusCode.BadRequest, results[i].Status);
            if (i % 3 == 0)
            {
                Assert.Contains("\"allowed\":false", results[i].Body);
            }
        }
    }

    [Fact]
    public async Task Plain_http_to_the_admission_port_does_not_reach_the_webhook()
    {
        // The port is listening (a refused connection would prove nothing) ...
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, server.Port);
        var stream = tcp.GetStream();

        // ... and plain HTTP on it is not an admission: the bytes are no TLS ClientHello, so Kestrel's TLS layer closes the connection before any HTTP.
        await stream.WriteAsync("POST /validate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"u8.ToArray());
        var answer = new MemoryStream();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await stream.CopyToAsync(answer, timeout.Token);
        var text = Encoding.ASCII.GetString(answer.ToArray());

        // Closed without a byte, not timed out (that would throw): no HTTP answer, so not the endpoint's 400.
        Assert.Equal("", text);

        // An HTTP client sees the same: the response ended before it began, not a refused connection.
        using var plain = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => plain.PostAsync(new Uri($"http://127.0.0.1:{server.Port}/validate"), Json("{}")));
        Assert.Equal(HttpRequestError.ResponseEnded, error.HttpRequestError);

        // And TLS on the same port is served: the port is the admission port, answering only HTTPS.
        using var https = await server.Https.PostAsync(new Uri(server.Admission, "/validate"), Json("{}"));
        Assert.Equal(HttpStatusCode.BadRequest, https.StatusCode);
    }

    [Fact]
    public async Task Metrics_show_requests_findings_patches_bad_requests_view_and_certificate()
    {
        const string Denied = "waypoint_webhook_admission_requests_total{endpoint=\"validate\",kind=\"Pod\",operation=\"CREATE\",verdict=\"denied\",dry_run=\"false\"}";
        const string Finding = "waypoint_webhook_admission_findings_total{endpoint=\"validate\",kind=\"Pod\",operation=\"CREATE\",reason=\"UnsupportedTrafficType\",verdict=\"denied\"}";
        const string DeniedCount = "waypoint_webhook_admission_duration_seconds_count{endpoint=\"validate\",verdict=\"denied\"}";
        var before = await server.Http.GetStringAsync(new Uri(server.Health, "/metrics"));

        await Post("/validate", Json(PodReview("m1", "default", "p", ("istio.io/use-waypoint", "waypoint")).ToJsonString()));
        await Post("/mutate", Json(await File.ReadAllTextAsync(RepoPaths.ExampleRequest("gateway-without-traffic-type.json"))));
        await Post("/validate", Json("{"));

        using var response = await server.Http.GetAsync(new Uri(server.Health, "/metrics"));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // Tests of this class run one after another: the deny above is the only one between the scrapes.
        Assert.Equal((MetricsScrape.Value(before, Denied) ?? 0) + 1, MetricsScrape.Value(text, Denied));
        Assert.Equal((MetricsScrape.Value(before, Finding) ?? 0) + 1, MetricsScrape.Value(text, Finding));
        Assert.Equal((MetricsScrape.Value(before, DeniedCount) ?? 0) + 1, MetricsScrape.Value(text, DeniedCount));
        Assert.Contains("# TYPE waypoint_webhook_admission_requests_total counter\n", text);
        Assert.Contains("waypoint_webhook_patches_total{kind=\"Gateway\"}", text);
        Assert.Contains("waypoint_webhook_bad_requests_total{endpoint=\"validate\",cause=\"MalformedJson\"}", text);
        Assert.Contains("waypoint_webhook_admission_duration_seconds_bucket{endpoint=\"validate\",verdict=\"denied\",le=\"0.0001\"}", text);
        Assert.Contains("waypoint_webhook_cluster_objects{resource=\"gateways\"} 3", text);
        Assert.Contains("waypoint_webhook_ready 1\n", text);
        Assert.Matches(@"waypoint_webhook_certificate_expiry_seconds \d{6,}", text);

        // The runtime's meter (GC, memory) is exported beside ours, as before.
        Assert.Contains("\nsystem_runtime_dotnet_gc_collections{", text);

        using var onAdmissionPort = await server.Https.GetAsync(new Uri(server.Admission, "/metrics"));
        Assert.Equal(HttpStatusCode.NotFound, onAdmissionPort.StatusCode);
    }
}
