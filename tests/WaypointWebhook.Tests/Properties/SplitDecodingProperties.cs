using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using WaypointWebhook.Admission;
using WaypointWebhook.Objects;
using WaypointWebhook.Testing;
using k8s;

namespace WaypointWebhook.Tests.Properties;

/// <summary>
/// Every decoder gives the same projection whether its input arrives whole or cut at random points:
/// admission bodies as multi-segment sequences (Kestrel's pipe), list pages as streams that return a few
/// bytes a read (KubernetesClient's HTTP content), through our own context and through the client's.
/// </summary>
public sealed class SplitDecodingProperties
{
    /// <summary>A random object as a real API server stores it, with annotations of every shape.</summary>
    private static readonly Gen<JsonObject> StoredObject = Gen.Select(ReviewGenerators.Object, ReviewGenerators.Labels, ReviewGenerators.OddString)
        .Select((generated, annotations, text) =>
        {
            var obj = generated.Object;
            var metadata = obj["metadata"]!.AsObject();
            var merged = metadata["annotations"]?.AsObject() ?? new JsonObject();
            foreach (var (key, value) in annotations)
            {
                merged[key] = value?.DeepClone();
            }

            merged["example.com/text-" + text.Length] = text + new string('x', text.Length * 97);
            metadata["annotations"] = merged;
            return FakeObjects.AsStored(obj);
        });

    /// <summary>Cut points for a body of <paramref name="length"/> bytes, from a seed.</summary>
    private static int[] Cuts(int seed, int length, int count)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => random.Next(0, length + 1)).Distinct().Order().ToArray();
    }

    [Fact]
    public void Admission_reviews_decode_alike_whole_and_in_segments()
    {
        Gen.Select(ReviewGenerators.Review, StoredObject, Gen.Int, Gen.Int[1, 40]).Sample((review, stored, seed, pieces) =>
        {
            review["request"]!["object"] = stored;
            var body = Encoding.UTF8.GetBytes(review.ToJsonString());

            var whole = Project(new ReadOnlySequence<byte>(body));
            var split = Project(Segments.Split(body, Cuts(seed, body.Length, pieces)));

            Assert.Equal(whole, split);
        }, iter: 300);
    }

    [Fact]
    public void List_pages_decode_alike_whole_and_from_a_stream_read_a_few_bytes_at_a_time()
    {
        Gen.Select(StoredObject.Array[1, 12], Gen.Int, Gen.Int[1, 64]).Sample((items, seed, maxRead) =>
        {
            var page = new JsonObject
            {
                ["kind"] = "GatewayList",
                ["apiVersion"] = "gateway.networking.k8s.io/v1",
                ["metadata"] = new JsonObject { ["resourceVersion"] = "12345", ["continue"] = "token" },
                ["items"] = new JsonArray(items.Select(i => (JsonNode?)i).ToArray()),
            };
            var body = Encoding.UTF8.GetBytes(page.ToJsonString());

            var whole = Canonical(() => JsonSerializer.Deserialize(body, ObjectJsonContext.Default.KubeObjectList));
            var ours = Canonical(() => JsonSerializer.DeserializeAsync(new TrickleStream(body, seed, maxRead), ObjectJsonContext.Default.KubeObjectList).AsTask().GetAwaiter().GetResult());
            var clients = Canonical(() => KubernetesJson.Deserialize<KubeObjectList>(new TrickleStream(body, seed + 1, maxRead)));

            Assert.Equal(whole, ours);
            Assert.Equal(whole, clients);
        }, iter: 150);
    }

    /// <summary>The decoded review re-encoded (only what the rules read survives), or the error's kind.</summary>
    private static string Project(ReadOnlySequence<byte> body) => Canonical(() =>
    {
        var reader = new Utf8JsonReader(body);
        return JsonSerializer.Deserialize(ref reader, WireJsonContext.Default.AdmissionReviewRequest);
    });

    private static string Canonical<T>(Func<T?> decode)
    {
        try
        {
            var value = decode();
            return value is null ? "null" : JsonSerializer.Serialize(value, typeof(T), value is KubeObjectList ? ObjectJsonContext.Default : WireJsonContext.Default);
        }
        catch (JsonException e)
        {
            // The same input must fail the same way, whatever its pieces: compare the path, not positions.
            return "error at " + e.Path;
        }
    }

    /// <summary>A stream that returns between 1 and <c>maxRead</c> bytes per read, as a slow network does.</summary>
    private sealed class TrickleStream(byte[] data, int seed, int maxRead) : MemoryStream(data, writable: false)
    {
        private readonly Random random = new(seed);

        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, random.Next(1, maxRead + 1)));

        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, random.Next(1, maxRead + 1))]);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer, offset, count));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));
    }
}

/// <summary>Builds a multi-segment <see cref="ReadOnlySequence{T}"/>, as a pipe hands a body over in pieces.</summary>
public static class Segments
{
    public static ReadOnlySequence<byte> Split(byte[] data, IReadOnlyList<int> cuts)
    {
        var bounds = cuts.Where(c => c > 0 && c < data.Length).Distinct().Order().Append(data.Length).ToList();
        var first = new Segment(data.AsMemory(0, bounds[0]), 0);
        var last = first;
        for (var i = 1; i < bounds.Count; i++)
        {
            last = last.Append(data.AsMemory(bounds[i - 1], bounds[i] - bounds[i - 1]));
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
