using Microsoft.Extensions.Configuration;
using WaypointWebhook.Policy.Configuration;
using WaypointWebhook.Settings;
using WaypointWebhook.Testing;
using static WaypointWebhook.Tests.Reviews;

namespace WaypointWebhook.Tests.Cli;

/// <summary><c>Webhook:ReverseCheck</c> and <c>Webhook:AuditIntervalSeconds</c>: validated at start-up, mapped to the policy.</summary>
public sealed class ReverseCheckSettingsTests
{
    private static WebhookSettings Load(params (string Key, string Value)[] values) =>
        WebhookSettings.Load(new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create("Webhook:" + v.Key, (string?)v.Value))).Build());

    [Fact]
    public void The_reverse_check_warns_by_default()
    {
        var settings = Load();

        Assert.Equal(ReverseCheckMode.Warn, settings.ToPolicyOptions().ReverseCheck);
        Assert.Equal(1, settings.AuditIntervalSeconds);
    }

    [Theory]
    [InlineData("Deny", ReverseCheckMode.Deny)]
    [InlineData("deny", ReverseCheckMode.Deny)]
    [InlineData("WARN", ReverseCheckMode.Warn)]
    public void The_reverse_check_mode_is_read_in_any_case(string value, ReverseCheckMode expected)
    {
        Assert.Equal(expected, Load(("ReverseCheck", value)).ToPolicyOptions().ReverseCheck);
    }

    [Theory]
    [InlineData("Block")]
    [InlineData("1")]
    [InlineData("")]
    public void Another_reverse_check_value_is_refused_naming_the_key(string value)
    {
        var error = Assert.Throws<SettingsException>(() => Load(("ReverseCheck", value)));

        Assert.Equal($"Webhook:ReverseCheck: must be Warn or Deny, not \"{value}\"", error.Message);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("3601")]
    public void An_audit_interval_out_of_range_is_refused(string value)
    {
        var error = Assert.Throws<SettingsException>(() => Load(("AuditIntervalSeconds", value)));

        Assert.Equal("Webhook:AuditIntervalSeconds: must be between 0 and 3600 seconds", error.Message);
    }

    [Fact]
    public async Task Serve_with_a_bad_reverse_check_exits_2_before_binding_anything()
    {
        var (exit, _, error) = await CliRunner.Run("serve", "--cluster-state", ExampleCluster, "--tls-cert-file", "x", "--tls-private-key-file", "y", "--Webhook:ReverseCheck=Block");

        Assert.Equal(2, exit);
        Assert.Equal("error: Webhook:ReverseCheck: must be Warn or Deny, not \"Block\"\n", error);
    }

    [Fact]
    public async Task Analyze_with_a_bad_reverse_check_exits_2()
    {
        var (exit, _, error) = await CliRunner.Run("analyze", "-f", ExampleCluster, "--Webhook:ReverseCheck=Sometimes");

        Assert.Equal(2, exit);
        Assert.Equal("error: Webhook:ReverseCheck: must be Warn or Deny, not \"Sometimes\"\n", error);
    }
}
