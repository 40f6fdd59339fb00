using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using WaypointWebhook.Admission;
using WaypointWebhook.Hosting;
using WaypointWebhook.Settings;
using WaypointWebhook.Tests.Hostile;

namespace WaypointWebhook.Tests.Deploy;

/// <summary>The container's memory limit, the GC heap limit and the body budget agree, in every overlay and with the tests that measure them.</summary>
public sealed class MemoryBudgetManifestTests(RenderedManifests rendered) : IClassFixture<RenderedManifests>
{
    [Theory]
    [MemberData(nameof(DeployManifestTests.Overlays), MemberType = typeof(DeployManifestTests))]
    public void Memory_limit_heap_limit_and_body_budget_agree(string overlay)
    {
        var container = RenderedManifests.Single(rendered.Overlays[overlay], "Deployment", "waypoint-webhook")["spec"]!["template"]!["spec"]!["containers"]![0]!.AsObject();
        var env = container["env"]!.AsArray().Select(e => e!.AsObject()).ToDictionary(e => (string)e["name"]!, e => (string?)e["value"]);

        Assert.Equal("256Mi", (string?)container["resources"]!["limits"]!["memory"]);
        Assert.Equal(CappedServer.HeapHardLimit, env["DOTNET_GCHeapHardLimit"]);
        var heap = long.Parse(env["DOTNET_GCHeapHardLimit"]![2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        Assert.Equal(144L * 1024 * 1024, heap);

        // The defaults (no Webhook__ override in the Deployment): one largest body beside the small bodies' share.
        Assert.DoesNotContain("Webhook__MaxBufferedBodyBytes", env.Keys);
        var settings = WebhookSettings.Load(new ConfigurationBuilder().Build());
        Assert.Equal(10L * 1024 * 1024, settings.MaxBufferedBodyBytes);
        Assert.Equal(settings.MaxBufferedBodyBytes, settings.MaxRequestBodyBytes + RequestBodyBudget.ReserveFor(settings.MaxBufferedBodyBytes));
    }
}

public sealed class MemoryBudgetSettingsTests
{
    [Fact]
    public void A_budget_that_cannot_hold_the_largest_body_stops_the_start_naming_the_key()
    {
        var error = Assert.Throws<SettingsException>(() => WebhookSettings.Load(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Webhook:MaxBufferedBodyBytes"] = "9437184" }).Build()));

        Assert.Equal(
            "Webhook:MaxBufferedBodyBytes: must leave room for one body of MaxRequestBodyBytes (8388608) beside the part kept for small bodies: at least 10485760",
            error.Message);
    }

    [Fact]
    public void The_budget_keeps_a_share_for_small_bodies()
    {
        var budget = new RequestBodyBudget(10L * 1024 * 1024);

        Assert.True(budget.TryReserve(8L * 1024 * 1024));
        Assert.False(budget.TryReserve(300 * 1024));
        Assert.True(budget.TryReserve(RequestBodyBudget.SmallBodyBytes));
        Assert.Equal(8L * 1024 * 1024 + RequestBodyBudget.SmallBodyBytes, budget.InFlight);
        budget.Release(8L * 1024 * 1024);
        Assert.True(budget.TryReserve(300 * 1024));
    }
}
