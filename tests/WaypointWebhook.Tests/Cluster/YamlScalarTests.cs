using System.Text;
using WaypointWebhook.Cluster;
using YamlDotNet.Core;

namespace WaypointWebhook.Tests.Cluster;

/// <summary>Plain YAML scalars become the JSON kubectl makes of them (go-yaml v2's YAML 1.1 resolution).</summary>
public sealed class YamlScalarTests
{
    private static string Json(string yamlValue) =>
        Encoding.UTF8.GetString(YamlToJson.Documents(new StringReader($"v: {yamlValue}\n")).Single());

    [Theory]
    [InlineData("yes", "true")]
    [InlineData("Y", "true")]
    [InlineData("on", "true")]
    [InlineData("TRUE", "true")]
    [InlineData("no", "false")]
    [InlineData("n", "false")]
    [InlineData("Off", "false")]
    [InlineData("~", "null")]
    [InlineData("Null", "null")]
    [InlineData("15008", "15008")]
    [InlineData("+42", "42")]
    [InlineData("-7", "-7")]
    [InlineData("0x1F", "31")]
    [InlineData("0o17", "15")]
    [InlineData("017", "15")]
    [InlineData("0b101", "5")]
    [InlineData("1_000", "1000")]
    [InlineData("-9223372036854775808", "-9223372036854775808")]
    [InlineData("18446744073709551615", "18446744073709551615")]
    [InlineData("1.5", "1.5")]
    [InlineData("-.5", "-0.5")]
    [InlineData(".5", "0.5")]
    [InlineData("1e3", "1000")]
    [InlineData("08", "8")] // not octal; go-yaml falls through to a float
    public void Plain_scalars_resolve_as_kubectl_resolves_them(string yaml, string json) =>
        Assert.Equal($"{{\"v\":{json}}}", Json(yaml));

    [Theory]
    [InlineData("none")]
    [InlineData("None")]
    [InlineData("waypoint")]
    [InlineData("0x")]
    [InlineData("1.2.3")]
    [InlineData("1e")]
    [InlineData("+")]
    [InlineData(".")]
    [InlineData("12a")]
    [InlineData("2026-12-01")]
    [InlineData("istio.io/PROXY")]
    [InlineData("Infinity")]
    public void Other_plain_scalars_stay_strings(string yaml) =>
        Assert.Equal(yaml, System.Text.Json.JsonDocument.Parse(Json(yaml)).RootElement.GetProperty("v").GetString());

    [Theory]
    [InlineData("\"yes\"")]
    [InlineData("'15008'")]
    [InlineData("!!str on")]
    public void Quoted_or_tagged_scalars_are_strings(string yaml) =>
        Assert.Equal($"{{\"v\":\"{yaml.Trim('"', '\'').Replace("!!str ", string.Empty, StringComparison.Ordinal)}\"}}", Json(yaml));

    [Theory]
    [InlineData(".nan")]
    [InlineData("-.inf")]
    public void Values_JSON_cannot_hold_are_refused_as_kubectl_refuses_them(string yaml)
    {
        var error = Assert.Throws<YamlException>(() => Json(yaml));
        Assert.Contains("quote it", error.Message);
    }

    [Fact]
    public void A_label_written_as_yes_is_a_boolean_and_the_file_is_refused_naming_the_field()
    {
        var error = Assert.Throws<ManifestException>(() => ManifestReader.ReadText("""
            apiVersion: v1
            kind: Pod
            metadata:
              name: p
              labels:
                istio.io/use-waypoint: waypoint
                enabled: yes
            """, "pod.yaml"));

        Assert.Equal("pod.yaml: document 1: field metadata.labels.enabled has the wrong type", error.Message);
    }
}
