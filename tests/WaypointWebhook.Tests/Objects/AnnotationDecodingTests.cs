using System.Text;
using System.Text.Json;
using WaypointWebhook.Admission;
using WaypointWebhook.Objects;
using k8s;

namespace WaypointWebhook.Tests.Objects;

/// <summary>The annotations converter: the one annotation kept, every other value passed over, from any buffer.</summary>
public sealed class AnnotationDecodingTests
{
    private static string Item(int i) =>
        "{\"metadata\":{\"name\":\"w" + i + "\",\"namespace\":\"d\",\"annotations\":{\"kubectl.kubernetes.io/last-applied-configuration\":\"" +
        new string('x', 3_000) + "\",\"empty\":\"\",\"nothing\":null,\"ambient.istio.io/waypoint-inbound-binding\":\"PROXY/" + i + "\"}}}";

    /// <summary>Twenty kubectl-applied objects: the list outgrows the serializer's first read buffer, as 12 Gateways did in the field.</summary>
    private static readonly string List = "{\"metadata\":{\"resourceVersion\":\"5\"},\"items\":[" + string.Join(",", Enumerable.Range(0, 20).Select(Item)) + "]}";

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(16 * 1024)]
    public async Task A_list_read_from_a_stream_keeps_every_binding(int bufferSize)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(List));
        var options = new JsonSerializerOptions(ObjectJsonContext.Default.Options) { DefaultBufferSize = bufferSize };

        var list = await JsonSerializer.DeserializeAsync<KubeObjectList>(stream, options);

        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"PROXY/{i}"), list!.Items!.Select(o => o.Metadata!.InboundBinding));
    }

    [Fact]
    public void The_clients_own_deserializer_reads_the_list_alike()
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(List));

        var list = KubernetesJson.Deserialize<KubeObjectList>(stream);

        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"PROXY/{i}"), list.Items!.Select(o => o.Metadata!.InboundBinding));
    }

    [Theory]
    [InlineData("{\"ambient.istio.io/waypoint-inbound-binding\":15088}", "annotation ambient.istio.io/waypoint-inbound-binding must be a string")]
    [InlineData("{\"other\":{\"nested\":1}}", "metadata.annotations values must be strings")]
    [InlineData("{\"other\":[\"a\"]}", "metadata.annotations values must be strings")]
    [InlineData("[\"a\"]", "metadata.annotations must be an object of strings")]
    [InlineData("\"a\"", "metadata.annotations must be an object of strings")]
    public void Annotations_that_are_not_a_map_of_strings_are_an_error_naming_them(string annotations, string message)
    {
        var error = Assert.Throws<JsonException>(() =>
            JsonSerializer.Deserialize("{\"metadata\":{\"annotations\":" + annotations + "}}", ObjectJsonContext.Default.KubeObject));

        Assert.Equal("$.metadata.annotations", error.Path);
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Absent_null_and_other_annotations_read_as_no_binding()
    {
        Assert.Null(JsonSerializer.Deserialize("{\"metadata\":{}}", ObjectJsonContext.Default.KubeObject)!.Metadata!.InboundBinding);
        Assert.Null(JsonSerializer.Deserialize("{\"metadata\":{\"annotations\":null}}", ObjectJsonContext.Default.KubeObject)!.Metadata!.InboundBinding);
        Assert.Null(JsonSerializer.Deserialize("{\"metadata\":{\"annotations\":{\"ambient.istio.io/waypoint-inbound-binding\":null,\"a\":\"b\"}}}", ObjectJsonContext.Default.KubeObject)!.Metadata!.InboundBinding);
        Assert.Equal(string.Empty, JsonSerializer.Deserialize("{\"metadata\":{\"annotations\":{\"ambient.istio.io/waypoint-inbound-binding\":\"\"}}}", ObjectJsonContext.Default.KubeObject)!.Metadata!.InboundBinding);
    }
}
