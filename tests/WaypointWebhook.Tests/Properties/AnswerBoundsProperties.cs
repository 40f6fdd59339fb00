using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using WaypointWebhook.Admission;
using WaypointWebhook.Cluster;
using WaypointWebhook.Policy;
using WaypointWebhook.Policy.Configuration;
using WaypointWebhook.Policy.Messages;
using WaypointWebhook.Testing;
using WaypointWebhook.Tests.Admission;

namespace WaypointWebhook.Tests.Properties;

/// <summary>
/// Random objects with random, hostile strings (line and paragraph separators, C1 and bidi controls, emoji,
/// template placeholders, long runs) and many ServiceEntry endpoints: the answer is valid JSON under 64 KiB,
/// every message is one line without control or separator characters, and every patch applies.
/// </summary>
public sealed class AnswerBoundsProperties
{
    private static readonly AdmissionHandler[] Handlers = [ExampleViews.Handler(new PolicyOptions()), ExampleViews.Handler(new PolicyOptions { Enforcement = EnforcementMode.Warn })];

    /// <summary>Pieces that have broken one-line text: every one of them must come out escaped.</summary>
    private static readonly Gen<string> HostilePiece = Gen.OneOf(
        "\n", "\r\n", "\u0085", "\u009b", "\u2028", "\u2029", "\u202e", "\u2066", "\ufeff", "\u00ad", "\u001b[31m", "\0", "\u007f",
        "\ud800", "\udc00", "😀", "👩‍💻", "🇫🇷", "e\u0301", "{PropertyName}", "{PropertyValue}", "{0}", "\"", "\\", "None", "waypoint", "later", "a");

    public static readonly Gen<string> Hostile = Gen.Frequency(
        (3, HostilePiece.Array[1, 12].Select(string.Concat)),
        (1, Gen.Select(HostilePiece, Gen.Int[100, 5000]).Select((piece, count) => string.Concat(Enumerable.Repeat(piece, count)))),
        (2, ReviewGenerators.OddString));

    private static readonly Gen<JsonObject> HostileLabels = Gen.Select(
            Gen.OneOf("istio.io/use-waypoint", "istio.io/use-waypoint-namespace", "istio.io/ingress-use-waypoint", "istio.io/dataplane-mode", "istio.io/waypoint-for"),
            Gen.Frequency((2, Hostile), (1, Gen.OneOf("waypoint", "later", "None", "none", "infra", "default"))))
        .Array[0, 4]
        .Select(pairs =>
        {
            var labels = new JsonObject();
            foreach (var (key, value) in pairs)
            {
                labels[key] = value;
            }

            return labels;
        });

    /// <summary>A ServiceEntry with up to 400 endpoints, a Pod, a Service, or a waypoint Gateway, named with hostile text.</summary>
    private static readonly Gen<JsonObject> HostileReview = Gen.Select(Gen.Int[0, 3], Hostile, Hostile, HostileLabels, HostileLabels.Array[0, 400], Gen.Int[0, 4])
        .Select((shape, name, ns, labels, endpoints, metadataShape) =>
        {
            var metadata = new JsonObject { ["name"] = name, ["namespace"] = ns, ["labels"] = labels };
            JsonObject obj;
            string group, kind;
            switch (shape)
            {
                case 0:
                    (group, kind) = ("networking.istio.io", "ServiceEntry");
                    obj = new JsonObject { ["metadata"] = metadata, ["spec"] = new JsonObject { ["endpoints"] = new JsonArray(endpoints.Select((e, i) => (JsonNode?)new JsonObject { ["address"] = "e" + i, ["labels"] = e }).ToArray()) } };
                    break;
                case 1:
                    (group, kind) = ("", "Pod");
                    obj = new JsonObject { ["metadata"] = metadata };
                    break;
                case 2:
                    (group, kind) = ("", "Service");
                    obj = new JsonObject { ["metadata"] = metadata };
                    break;
                default:
                    (group, kind) = ("gateway.networking.k8s.io", "Gateway");
                    labels.Remove("istio.io/waypoint-for");
                    obj = Reviews.Gateway("default", "wp");
                    obj["metadata"] = metadataShape switch
                    {
                        0 => null,
                        1 => new JsonObject(),
                        2 => new JsonObject { ["name"] = name, ["labels"] = null },
                        _ => metadata,
                    };
                    if (metadataShape == 4)
                    {
                        obj.Remove("metadata");
                    }

                    obj["spec"]!["listeners"]![0]!["allowedRoutes"] = new JsonObject
                    {
                        ["namespaces"] = new JsonObject { ["from"] = "Selector", ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { [name] = ns } } },
                    };
                    break;
            }

            return Reviews.Review("u-" + shape, group, "v1", kind, ns, name, "CREATE", obj);
        });

    private static void AssertOneLine(string text)
    {
        Assert.True(SafeText.IsOneLine(text), $"not one line: {text}");
        foreach (var rune in text.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            Assert.False(category is UnicodeCategory.Control or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator, $"U+{rune.Value:x4} in {text}");
        }

        // No lone surrogate: a cut never halves a pair (U+FFFD itself may be the user's: JSON writers put it for lone surrogates).
        for (var i = 0; i < text.Length; i++)
        {
            Assert.False(char.IsSurrogate(text[i]) && !(char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[++i])), $"a lone surrogate in {text}");
        }
    }

    private static void AssertBoundedAnswer(JsonObject review, AdmissionOutcome outcome)
    {
        switch (AdmissionEndpoints.Bounded(outcome))
        {
            case Answered answered:
                var bytes = JsonSerializer.SerializeToUtf8Bytes(answered.Review, WireJsonContext.Default.AdmissionReviewResponse);
                Assert.InRange(bytes.Length, 1, 64 * 1024 - 1);
                var response = JsonNode.Parse(bytes)!["response"]!;
                if (response["status"]?["message"] is { } message)
                {
                    AssertOneLine((string)message!);
                    Assert.InRange(Encoding.UTF8.GetByteCount((string)message!), 1, 4096);
                }

                var warnings = response["warnings"]?.AsArray().Select(w => (string)w!).ToList() ?? [];
                Assert.InRange(warnings.Count, 0, 16);
                Assert.All(warnings, w => Assert.InRange(w.Length, 1, 256));
                Assert.InRange(warnings.Sum(w => w.Length), 0, 4096);
                warnings.ForEach(AssertOneLine);
                if (response["patch"] is { } patch)
                {
                    var applied = JsonPatchApplier.Apply(review["request"]!["object"]!, Encoding.UTF8.GetString(Convert.FromBase64String((string)patch!)));
                    Assert.Equal("service", (string?)applied["metadata"]!["labels"]!["istio.io/waypoint-for"]);
                }

                break;
            case Refused bad:
                Assert.InRange(bad.StatusCode, 400, 499);
                Assert.InRange(bad.Message.Length, 1, AdmissionEndpoints.MaxErrorMessageLength);
                AssertOneLine(bad.Message);
                break;
        }
    }

    [Fact]
    public void Hostile_objects_get_bounded_one_line_answers_and_patches_that_apply()
    {
        HostileReview.Sample(
            review =>
            {
                var body = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(review.ToJsonString()));
                foreach (var handler in Handlers)
                {
                    AssertBoundedAnswer(review, handler.HandleAsync(body, AdmissionEndpoint.Validate, CancellationToken.None).AsTask().Result);
                    AssertBoundedAnswer(review, handler.HandleAsync(body, AdmissionEndpoint.Mutate, CancellationToken.None).AsTask().Result);
                }
            },
            iter: 400);
    }

    [Fact]
    public void Random_reviews_get_bounded_one_line_answers()
    {
        ReviewGenerators.Review.Sample(
            review =>
            {
                var body = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(review.ToJsonString()));
                AssertBoundedAnswer(review, Handlers[0].HandleAsync(body, AdmissionEndpoint.Validate, CancellationToken.None).AsTask().Result);
                AssertBoundedAnswer(review, Handlers[0].HandleAsync(body, AdmissionEndpoint.Mutate, CancellationToken.None).AsTask().Result);
            },
            iter: 2000);
    }

    [Fact]
    public void SafeText_clip_never_exceeds_its_length_never_splits_a_character_and_keeps_clean_text()
    {
        Gen.Select(Hostile, Gen.Int[1, 300]).Sample(
            (text, max) =>
            {
                var clipped = SafeText.Clip(text, max);
                Assert.InRange(clipped.Length, 0, max);
                AssertOneLine(clipped.EndsWith(SafeText.Ellipsis, StringComparison.Ordinal) ? clipped[..^1] : clipped);
                Assert.Equal(clipped, Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(clipped)));
                if (SafeText.IsOneLine(text) && text.Length <= max)
                {
                    Assert.Same(text, clipped);
                }
            },
            iter: 3000);
    }
}
