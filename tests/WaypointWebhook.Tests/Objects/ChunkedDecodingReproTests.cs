using System.Text;
using System.Text.Json;
using k8s;
using WaypointWebhook.Admission;
using WaypointWebhook.Cluster.Live;

namespace WaypointWebhook.Tests.Objects;

public sealed class ChunkedDecodingReproTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(16 * 1024)]
    public async Task Annotations_decode_from_a_stream_read_in_small_buffers(int bufferSize)
    {
        var lastApplied = new string('x', 3_000);
        var item = "{\"metadata\":{\"name\":\"w\",\"namespace\":\"d\",\"annotations\":{\"kubectl.kubernetes.io/last-applied-configuration\":\"" + lastApplied + "\",\"ambient.istio.io/waypoint-inbound-binding\":\"PROXY/15088\"}}}";
        var json = "{\"metadata\":{\"resourceVersion\":\"5\"},\"items\":[" + string.Join(",", Enumerable.Repeat(item, 20)) + "]}";
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(json));
        var options = new JsonSerializerOptions(WireJsonContext.Default.Options) { DefaultBufferSize = bufferSize };
        var list = await JsonSerializer.DeserializeAsync<KubeObjectList>(stream, options);
        Assert.Equal("PROXY/15088", list!.Items![0].Metadata!.InboundBinding);

        using var again = new MemoryStream(Encoding.UTF8.GetBytes(json));
        var viaClient = KubernetesJson.Deserialize<KubeObjectList>(again);
        Assert.Equal("PROXY/15088", viaClient.Items![0].Metadata!.InboundBinding);
    }
}
