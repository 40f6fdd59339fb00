using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using WaypointWebhook.Admission;
using WaypointWebhook.Cluster;
using WaypointWebhook.Policy;
using WaypointWebhook.Policy.Configuration;
using WaypointWebhook.Testing;

namespace WaypointWebhook.Tests.Properties;

/// <summary>
/// Random reviews thrown at the decoder and the policy: no exception escapes, and every answer is a
/// valid AdmissionReview with the request's uid, or a 4xx with a message.
/// </summary>
public sealed class AdmissionProperties
{
    private static readonly AdmissionHandler[] Handlers = [ExampleViews.Handler(new PolicyOptions()), ExampleViews.Handler(new PolicyOptions { Enforcement = EnforcementMode.Warn, MissingWaypointVerdict = Policy.Model.Verdict.Deny })];

    private static void AssertWellFormed(string body, AdmissionOutcome outcome, bool warnMode)
    {
        switch (outcome)
        {
            case Answered answered:
                var uid = (string?)JsonNode.Parse(body)!["request"]!["uid"];
                Assert.Equal(uid, answered.Review.Response.Uid);
                var json = JsonNode.Parse(JsonSerializer.Serialize(answered.Review, WireJsonContext.Default.AdmissionReviewResponse))!;
                Assert.Equal("admission.k8s.io/v1", (string?)json["apiVersion"]);
                Assert.Equal(answered.Denials.Count == 0, answered.Review.Response.Allowed);
                if (!answered.Review.Response.Allowed)
                {
                    Assert.Equal(403, answered.Review.Response.Status!.Code);
                    Assert.DoesNotContain('\n', answered.Review.Response.Status.Message!);
                    Assert.False(warnMode, "Warn mode must never deny");
                }

                Assert.All(answered.Review.Response.Warnings ?? [], w => Assert.InRange(w.Length, 1, AdmissionMessages.MaxWarningLength));
                Assert.All(answered.Review.Response.Warnings ?? [], w => Assert.DoesNotContain(w, c => c < ' '));
                break;
            case Refused bad:
                Assert.InRange(bad.StatusCode, 400, 499);
                Assert.False(string.IsNullOrWhiteSpace(bad.Message));
                break;
            default:
                Assert.Fail("unknown outcome");
                break;
        }
    }

    [Fact]
    public void Random_reviews_get_a_valid_answer()
    {
        ReviewGenerators.Review.Sample(
            review =>
            {
                var body = review.ToJsonString();
                for (var i = 0; i < Handlers.Length; i++)
                {
                    var outcome = Handlers[i].HandleAsync(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(body)), i % 2 == 0 ? AdmissionEndpoint.Validate : AdmissionEndpoint.Mutate, CancellationToken.None).Result;
                    AssertWellFormed(body, outcome, warnMode: i == 1);
                }
            },
            iter: 3000);
    }

    [Fact]
    public void Delete_is_always_allowed()
    {
        ReviewGenerators.Review.Where(r => (string?)r["request"]!["operation"] == "DELETE").Sample(
            review =>
            {
                var outcome = Handlers[0].HandleAsync(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(review.ToJsonString())), AdmissionEndpoint.Validate, CancellationToken.None).Result;
                var answered = Assert.IsType<Answered>(outcome);
                Assert.True(answered.Review.Response.Allowed);
                Assert.Empty(answered.Denials);
                Assert.Empty(answered.Warnings);
            },
            iter: 300);
    }

    [Fact]
    public void Truncated_and_corrupted_bodies_get_a_4xx_or_an_answer_never_an_exception()
    {
        var valid = Encoding.UTF8.GetBytes(File.ReadAllText(RepoPaths.ExampleRequest("pod-on-service-waypoint.json")));
        Gen.Select(Gen.Int[0, valid.Length], Gen.Int[0, valid.Length - 1], Gen.Byte, Gen.Int[0, 2]).Sample(
            (cut, position, value, mode) =>
            {
                var body = mode switch
                {
                    0 => valid[..cut],
                    1 => valid.ToArray().Also(b => b[position] = value),
                    _ => valid[..position].Concat(valid[cut..]).ToArray(),
                };
                var outcome = Handlers[0].HandleAsync(new ReadOnlySequence<byte>(body), AdmissionEndpoint.Validate, CancellationToken.None).Result;
                if (outcome is Refused bad)
                {
                    Assert.InRange(bad.StatusCode, 400, 499);
                }
                else
                {
                    Assert.IsType<Answered>(outcome);
                }
            },
            iter: 3000);
    }
}

internal static class ArrayExtensions
{
    public static T[] Also<T>(this T[] array, Action<T[]> change)
    {
        change(array);
        return array;
    }
}
