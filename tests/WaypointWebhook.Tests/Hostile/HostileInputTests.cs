using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using WaypointWebhook.Admission;
using WaypointWebhook.Policy.Messages;
using WaypointWebhook.Testing;
using WaypointWebhook.Tests.Admission;

namespace WaypointWebhook.Tests.Hostile;

/// <summary>
/// The findings of issue 9, each through the real HTTPS server in its own process with the GC heap capped
/// as in production: status, answer size, peak memory (under the 256Mi container limit), and that an
/// ordinary review is still answered.
/// </summary>
[Collection(CappedServerCollection.Name)]
public sealed class HostileInputTests(CappedServer server) : IClassFixture<CappedServer>
{
    private const int MaxAnswerBytes = 64 * 1024;

    private static JsonObject Answer(string body) => JsonNode.Parse(body)!["response"]!.AsObject();

    [Fact]
    public async Task Fifty_thousand_identical_endpoint_findings_collapse_into_one_bounded_denial()
    {
        var body = HostileBodies.ServiceEntry("se-50k", "big", 50_000, _ => HostileBodies.UseWaypoint("None"));
        Assert.InRange(body.Length, 3_000_000, 3_300_000);

        var probe = server.AssertProbeAnswered();
        var (status, answer, length) = await server.Post("/validate", body);
        await probe;

        Assert.Equal(HttpStatusCode.OK, status);
        Console.WriteLine($"answer {length} bytes for a body of {body.Length} bytes");
        Assert.InRange(length, 1, MaxAnswerBytes - 1);
        var response = Answer(answer);
        Assert.False((bool)response["allowed"]!);
        var message = (string)response["status"]!["message"]!;
        Assert.StartsWith(
            "[InvalidLabelValue] ServiceEntry default/big spec.endpoints[0..49999].labels: label istio.io/use-waypoint=\"None\" is not a valid waypoint name",
            message);
        Assert.DoesNotContain("more", message);
        server.AssertAliveAndUnderLimit();
        await server.AssertProbeAnswered();
    }

    [Fact]
    public async Task A_7_6_MiB_ServiceEntry_of_125000_endpoints_is_answered_within_bounds()
    {
        var body = HostileBodies.ServiceEntry("se-125k", "big", 125_000, _ => HostileBodies.UseWaypoint("None"));
        Assert.InRange(body.Length, 7_600_000, 8_388_608);

        var (status, answer, length) = await server.Post("/validate", body);

        Assert.Equal(HttpStatusCode.OK, status);
        Console.WriteLine($"answer {length} bytes for a body of {body.Length} bytes");
        Assert.InRange(length, 1, MaxAnswerBytes - 1);
        Assert.Contains("spec.endpoints[0..124999].labels", (string)Answer(answer)["status"]!["message"]!);
        server.AssertAliveAndUnderLimit();
        await server.AssertProbeAnswered();
    }

    [Fact]
    public async Task A_100_KiB_name_with_600_distinct_endpoint_values_gives_a_bounded_answer()
    {
        var name = new string('n', 100 * 1024);
        var body = HostileBodies.ServiceEntry("se-name", name, 600, i => HostileBodies.UseWaypoint("Bad_" + i));

        var (status, answer, length) = await server.Post("/validate", body);

        Assert.Equal(HttpStatusCode.OK, status);
        Console.WriteLine($"answer {length} bytes for a body of {body.Length} bytes");
        Assert.InRange(length, 1, MaxAnswerBytes - 1);
        var message = (string)Answer(answer)["status"]!["message"]!;
        Assert.InRange(Encoding.UTF8.GetByteCount(message), 1, 4096);
        Assert.Equal(8, CountOf(message, "[InvalidLabelValue]"));
        Assert.EndsWith("… and 592 more", message);

        // The name is clipped at 128 characters with an ellipsis wherever it is quoted.
        Assert.StartsWith($"[InvalidLabelValue] ServiceEntry default/{new string('n', 127)}… spec.endpoints[0].labels: label istio.io/use-waypoint=\"Bad_0\"", message);
        server.AssertAliveAndUnderLimit();
    }

    [Fact]
    public async Task Warnings_stay_within_the_API_server_budget()
    {
        // 300 endpoints each naming a different Gateway that does not exist: 300 W5 warnings.
        var body = HostileBodies.ServiceEntry("se-warn", "warned", 300, i => HostileBodies.UseWaypoint("later-" + i));

        var (status, answer, length) = await server.Post("/validate", body);

        Assert.Equal(HttpStatusCode.OK, status);
        Console.WriteLine($"answer {length} bytes for a body of {body.Length} bytes");
        Assert.InRange(length, 1, MaxAnswerBytes - 1);
        var response = Answer(answer);
        Assert.True((bool)response["allowed"]!);
        var warnings = response["warnings"]!.AsArray().Select(w => (string)w!).ToList();
        Assert.Equal(16, warnings.Count);
        Assert.All(warnings, w => Assert.InRange(w.Length, 1, 256));
        Assert.InRange(warnings.Sum(w => w.Length), 1, 4096);
        Assert.Equal("… and 285 more warnings", warnings[^1]);
        Assert.StartsWith("[WaypointIsNotReady] ServiceEntry default/warned spec.endpoints[0].labels: istio.io/use-waypoint=later-0", warnings[0]);
    }

    [Fact]
    public async Task Forty_concurrent_8_MiB_reviews_get_answers_or_429_and_the_process_survives()
    {
        var body = HostileBodies.ServiceEntry("se-8m", "huge", 131_000, _ => HostileBodies.UseWaypoint("None"));
        Assert.InRange(body.Length, 8_000_000, 8_388_608);
        using var clients = new DisposableList<HttpClient>(Enumerable.Range(0, 40).Select(_ => server.Client()));

        var refused = await MetricsScrape.Sum(server.HealthPort, "waypoint_webhook_bad_requests_total", "cause=\"OverBudget\"");
        var posts = clients.Items.Select(client => server.Post("/validate", body, client)).ToList();

        // The load is in flight once the budget turns one away; the probe is answered meanwhile.
        await Eventually.Until(async () => await MetricsScrape.Sum(server.HealthPort, "waypoint_webhook_bad_requests_total", "cause=\"OverBudget\"") > refused, "a review over the budget", TimeSpan.FromSeconds(30));
        await server.AssertProbeAnswered();
        var results = await Task.WhenAll(posts);

        Assert.All(results, r => Assert.True(r.Status is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, $"{r.Status}: {r.Body[..Math.Min(200, r.Body.Length)]}"));
        Assert.Contains(results, r => r.Status == HttpStatusCode.OK);
        Assert.Contains(results, r => r.Status == HttpStatusCode.TooManyRequests);
        Assert.All(results.Where(r => r.Status == HttpStatusCode.TooManyRequests), r => Assert.Equal("too many request bytes in flight (budget 10485760 bytes): try again later\n", r.Body));
        server.AssertAliveAndUnderLimit();
        await server.AssertProbeAnswered();
    }

    [Fact]
    public async Task An_HTTP2_flood_of_4_connections_with_100_streams_each_stays_under_the_limit()
    {
        var body = HostileBodies.ServiceEntry("se-h2", "h2", 16_000, _ => HostileBodies.UseWaypoint("None"));
        Assert.InRange(body.Length, 900_000, 1_100_000);
        using var clients = new DisposableList<HttpClient>(Enumerable.Range(0, 4).Select(_ => server.Client(HttpVersion.Version20)));

        // A stream Kestrel resets (ENHANCE_YOUR_CALM: streams opened past the limit while others drain) fails
        // the call, and the API server applies the failure policy: that is a refusal, as a 429 is.
        var posts = clients.Items.SelectMany(client => Enumerable.Range(0, 100).Select(async _ =>
        {
            try
            {
                return await server.Post("/validate", body, client);
            }
            catch (HttpRequestException)
            {
                return (Status: (HttpStatusCode)0, Body: "reset", Length: 0L);
            }
        })).ToList();
        using var probeClient = server.Client(HttpVersion.Version20);
        await server.AssertProbeAnswered(probeClient);
        var results = await Task.WhenAll(posts);

        Assert.All(results, r => Assert.Contains(r.Status, new[] { HttpStatusCode.OK, HttpStatusCode.TooManyRequests, (HttpStatusCode)0 }));
        Assert.Contains(results, r => r.Status == HttpStatusCode.OK);
        Assert.All(results.Where(r => r.Status == HttpStatusCode.OK), r => Assert.InRange(r.Length, 1, MaxAnswerBytes - 1));
        server.AssertAliveAndUnderLimit();
    }

    [Theory]
    [InlineData("\u0085", "\\u0085")]
    [InlineData("\u009b", "\\u009b")]
    [InlineData("\u2028", "\\u2028")]
    [InlineData("\u2029", "\\u2029")]
    [InlineData("\u202e", "\\u202e")]
    public async Task Selector_keys_values_and_operators_reach_the_message_escaped(string character, string escaped)
    {
        var selector = new JsonObject
        {
            ["matchExpressions"] = new JsonArray(new JsonObject { ["key"] = "k" + character, ["operator"] = "In", ["values"] = new JsonArray("v") }),
        };

        var (status, answer, _) = await server.Post("/validate", HostileBodies.GatewayWithSelector("g2-key", selector));
        var message = (string)Answer(answer)["status"]!["message"]!;
        var (_, operatorAnswer, _) = await server.Post("/validate", HostileBodies.GatewayWithSelector("g2-op", new JsonObject
        {
            ["matchExpressions"] = new JsonArray(new JsonObject { ["key"] = "k", ["operator"] = "In" + character }),
        }));
        var (_, valueAnswer, _) = await server.Post("/validate", HostileBodies.GatewayWithSelector("g2-value", new JsonObject
        {
            ["matchLabels"] = new JsonObject { ["k"] = "v" + character },
        }));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains($"matchExpressions[0] key \"k{escaped}\" is not a valid label key", message);
        Assert.Contains($"matchExpressions[0] operator \"In{escaped}\" is not one of In, NotIn, Exists, DoesNotExist", (string)Answer(operatorAnswer)["status"]!["message"]!);
        Assert.Contains($"matchLabels value \"v{escaped}\" for key \"k\" is not a valid label value", (string)Answer(valueAnswer)["status"]!["message"]!);
        foreach (var text in new[] { message, (string)Answer(operatorAnswer)["status"]!["message"]!, (string)Answer(valueAnswer)["status"]!["message"]! })
        {
            Assert.True(Policy.Messages.SafeText.IsOneLine(text), text);
        }
    }

    [Fact]
    public async Task A_cut_warning_never_splits_a_character()
    {
        // Emoji (surrogate pairs, and a ZWJ sequence) in a name, in a warning long enough to be cut.
        var name = string.Concat(Enumerable.Repeat("👩‍💻😀", 40));
        var review = Reviews.Review("w5-emoji", "", "v1", "Service", "default", name, "CREATE",
            new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Service", ["metadata"] = Reviews.Metadata("default", name, ("istio.io/use-waypoint", "later")) });

        var (status, answer, _) = await server.Post("/validate", review);

        Assert.Equal(HttpStatusCode.OK, status);
        var warning = (string)Answer(answer)["warnings"]![0]!;
        Assert.InRange(warning.Length, 200, 256);
        Assert.EndsWith("…", warning);
        Assert.DoesNotContain('\uFFFD', warning);
        Assert.Equal(warning, Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(warning)));
        var beforeEllipsis = warning[..^1];
        Assert.False(char.IsHighSurrogate(beforeEllipsis[^1]), "a high surrogate before the ellipsis");
        Assert.False(beforeEllipsis[^1] == '\u200d', "a ZWJ sequence cut after its joiner");
    }

    [Fact]
    public async Task User_text_is_never_a_message_template()
    {
        var (status, answer, _) = await server.Post("/validate", HostileBodies.Pod("tmpl", "default", "p-{PropertyName}-{PropertyValue}", ("istio.io/use-waypoint", "{PropertyValue}")));

        Assert.Equal(HttpStatusCode.OK, status);
        var message = (string)Answer(answer)["status"]!["message"]!;
        Assert.StartsWith("[InvalidLabelValue] Pod default/p-{PropertyName}-{PropertyValue}: label istio.io/use-waypoint=\"{PropertyValue}\" is not a valid waypoint name", message);
        Assert.DoesNotContain("Use Waypoint", message);
    }

    [Fact]
    public async Task A_number_typed_inbound_binding_is_a_400_naming_the_field()
    {
        var gateway = Reviews.Gateway("default", "wp");
        gateway["metadata"]!["annotations"] = new JsonObject { ["ambient.istio.io/waypoint-inbound-binding"] = 15008 };

        var (status, body, length) = await server.Post("/validate", Reviews.Review("typed", "gateway.networking.k8s.io", "v1", "Gateway", "default", "wp", "CREATE", gateway));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("request object is not a valid Gateway: field request.object.metadata.annotations: annotation ambient.istio.io/waypoint-inbound-binding must be a string (line 1, byte 518)\n", body);
        Assert.InRange(length, 1, 600);
    }

    [Theory]
    [InlineData("absent")]
    [InlineData("null")]
    [InlineData("empty")]
    [InlineData("labels-null")]
    [InlineData("labels")]
    public async Task Mutate_patches_apply_to_the_object_given(string metadata)
    {
        var gateway = Reviews.Gateway("default", "wp");
        switch (metadata)
        {
            case "absent":
                gateway.Remove("metadata");
                break;
            case "null":
                gateway["metadata"] = null;
                break;
            case "empty":
                gateway["metadata"] = new JsonObject();
                break;
            case "labels-null":
                gateway["metadata"]!["labels"] = null;
                break;
            default:
                gateway["metadata"]!["labels"] = new JsonObject { ["app"] = "x" };
                break;
        }

        var (status, answer, _) = await server.Post("/mutate", Reviews.Review("mutate-" + metadata, "gateway.networking.k8s.io", "v1", "Gateway", "default", "wp", "CREATE", gateway));

        Assert.Equal(HttpStatusCode.OK, status);
        var patch = Encoding.UTF8.GetString(Convert.FromBase64String((string)Answer(answer)["patch"]!));
        var patched = JsonPatchApplier.Apply(gateway, patch);
        Assert.Equal("service", (string?)patched["metadata"]!["labels"]!["istio.io/waypoint-for"]);
        if (metadata == "labels")
        {
            Assert.Equal("x", (string?)patched["metadata"]!["labels"]!["app"]);
        }
    }

    // Issue 9, item 8: the check is AdmissionHandler's (main).
    [Theory]
    [InlineData("xyz")]
    [InlineData("review")]
    [InlineData("\0\0\0")]
    public async Task Bytes_after_the_AdmissionReview_are_a_400(string trailing)
    {
        var review = Reviews.PodReview("trailing", "default", "p").ToJsonString();
        var body = review + (trailing == "review" ? review : trailing);
        var (status, answer, _) = await server.Post("/validate", Encoding.UTF8.GetBytes(body));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(Policy.Messages.SafeText.IsOneLine(answer.TrimEnd('\n')));
    }

    [Fact]
    public async Task A_uid_too_long_to_echo_is_a_400()
    {
        var (status, body, length) = await server.Post("/validate", Reviews.PodReview(new string('u', 1024 * 1024), "default", "p"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("request.uid is longer than 128 characters: not an AdmissionReview uid\n", body);
        Assert.InRange(length, 1, 200);
    }

    private static int CountOf(string text, string what)
    {
        var count = 0;
        for (var i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + what.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CappedServerCollection
{
    public const string Name = "Capped server (memory measured)";
}

public sealed class DisposableList<T>(IEnumerable<T> items) : IDisposable
    where T : IDisposable
{
    public List<T> Items { get; } = [.. items];

    public void Dispose()
    {
        foreach (var item in Items)
        {
            item.Dispose();
        }
    }
}
