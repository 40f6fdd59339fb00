using WaypointWebhook.Policy.Resolution;

namespace WaypointWebhook.Policy.Tests;

/// <summary>The Go parsers istiod uses, mirrored: ParseUint for the binding port (D3), Atoi for the canary weight (D9).</summary>
public sealed class GoParsingTests
{
    [Theory]
    [InlineData("15088", 15088u)]
    [InlineData("015088", 15088u)]
    [InlineData("0", 0u)]
    [InlineData("", 0u)]
    [InlineData("+5", 0u)]
    [InlineData("-1", 0u)]
    [InlineData("abc", 0u)]
    [InlineData("15088 ", 0u)]
    [InlineData("0x10", 0u)]
    [InlineData("1_000", 0u)]
    [InlineData("4294967295", 4294967295u)]
    [InlineData("4294967296", 4294967295u)]
    [InlineData("99999999999x", 4294967295u)] // Go reports the overflow before it reaches the x
    public void Binding_port_is_parsed_as_go_parse_uint_base_10_32_bits(string text, uint expected)
    {
        Assert.Equal(expected, InboundBinding.ParseUint32(text));
    }

    [Theory]
    [InlineData("PROXY", "PROXY", 0u)]
    [InlineData("NONE", "NONE", 0u)]
    [InlineData("PROXY/15088", "PROXY", 15088u)]
    [InlineData("PROXY/abc", "PROXY", 0u)]
    [InlineData("NONE/15088", "NONE", 15088u)]
    public void Binding_forms_that_bind(string annotation, string protocol, uint port)
    {
        Assert.Equal(new InboundBinding(protocol, port), InboundBinding.Parse(annotation));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("proxy/15088")]
    [InlineData("Proxy")]
    [InlineData("PROXY/15088/x")]
    [InlineData("HBONE/15008")]
    [InlineData("/15088")]
    public void Binding_forms_that_are_no_binding(string? annotation)
    {
        Assert.Null(InboundBinding.Parse(annotation));
    }

    [Theory]
    [InlineData("42", true, 42)]
    [InlineData("+42", true, 42)]
    [InlineData("007", true, 7)]
    [InlineData("-0", true, 0)]
    [InlineData("-1", true, -1)]
    [InlineData("", false, 0)]
    [InlineData("+", false, 0)]
    [InlineData(" 5", false, 0)]
    [InlineData("5.0", false, 0)]
    [InlineData("1e2", false, 0)]
    [InlineData("9999999999999999999999", false, 0)]
    public void Weight_is_parsed_as_go_atoi(string text, bool parses, long value)
    {
        Assert.Equal(parses, GoInt.TryAtoi(text, out var parsed));
        if (parses)
        {
            Assert.Equal(value, parsed);
        }
    }
}
