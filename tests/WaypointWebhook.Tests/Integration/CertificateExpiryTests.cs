using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using WaypointWebhook.Hosting;
using WaypointWebhook.Settings;
using WaypointWebhook.Testing;

namespace WaypointWebhook.Tests.Integration;

/// <summary>An expiring or expired serving certificate is never served silently: a log line and a metric say so.</summary>
public sealed class CertificateExpiryTests
{
    /// <summary>The reloader's log over <paramref name="polls"/> polls on a clock the test moves (starting now).</summary>
    internal static async Task<IReadOnlyList<FakeLogRecord>> ReloaderLog(TestCertificates certificates, int polls, TimeSpan? thenAdvance = null)
    {
        var certificate = new ServingCertificate(certificates.CertificateFile, certificates.KeyFile);
        certificate.Load();
        var logger = new FakeLogger<CertificateReloader>();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var settings = WebhookSettings.Load(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Webhook:CertificateReloadSeconds"] = "1" }).Build());
        using var reloader = new CertificateReloader(certificate, settings, clock, logger);

        // The first report is made at start, before the first wait.
        await reloader.StartAsync(CancellationToken.None);
        await Eventually.Until(() => logger.Collector.Count > 0, "the first report", TimeSpan.FromSeconds(10));
        Assert.StartsWith("Serving certificate ", logger.Collector.GetSnapshot()[0].Message, StringComparison.Ordinal);
        for (var i = 0; i < polls; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Yield();
        }

        if (thenAdvance is { } later)
        {
            var before = logger.Collector.Count;
            clock.Advance(later);

            // A poll on the moved clock (the timer may be made only now: then the next second's tick is its first).
            await Eventually.Until(
                () =>
                {
                    if (logger.Collector.Count > before)
                    {
                        return true;
                    }

                    clock.Advance(TimeSpan.FromSeconds(1));
                    return false;
                },
                $"a line after {later} more",
                TimeSpan.FromSeconds(10));
        }

        await reloader.StopAsync(CancellationToken.None);
        return logger.Collector.GetSnapshot();
    }

    [Fact]
    public async Task Expired_certificate_is_logged_as_an_error_and_the_metric_goes_negative()
    {
        using var expired = new TestCertificates(validFor: TimeSpan.FromDays(-2));

        var log = await ReloaderLog(expired, polls: 3);

        Assert.Contains(log, e => e.Level == LogLevel.Error && e.Message.StartsWith("The serving certificate expired at", StringComparison.Ordinal));

        var certificate = new ServingCertificate(expired.CertificateFile, expired.KeyFile);
        certificate.Load();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var metrics = new WebhookMetrics(ExampleViews.Source(), certificate, shutdown: null, clock);
        var scrape = await MetricsScrape.Text(metrics.Registry);

        // The value exact to this clock, from this certificate (the instance's own registry: no other server's).
        var expected = (certificate.Current!.NotAfter.ToUniversalTime() - clock.GetUtcNow().UtcDateTime).TotalSeconds;
        Assert.InRange(expected, -3 * 86400, -86400);
        Assert.Contains("# TYPE waypoint_webhook_certificate_expiry_seconds gauge\n", scrape, StringComparison.Ordinal);
        Assert.Equal(expected, MetricsScrape.Value(scrape, "waypoint_webhook_certificate_expiry_seconds")!.Value, 6);
    }

    [Fact]
    public async Task Certificate_close_to_expiry_is_a_warning_and_a_fresh_one_is_quiet()
    {
        using var expiring = new TestCertificates(validFor: TimeSpan.FromDays(2));
        using var fresh = new TestCertificates(validFor: TimeSpan.FromDays(90));

        var expiringLog = await ReloaderLog(expiring, polls: 3);
        var freshLog = await ReloaderLog(fresh, polls: 3);

        Assert.Contains(expiringLog, e => e.Level == LogLevel.Warning && e.Message.StartsWith("The serving certificate expires in", StringComparison.Ordinal));
        Assert.Contains(freshLog, e => e.Level == LogLevel.Information && e.Message.StartsWith("Serving certificate ", StringComparison.Ordinal));
        Assert.DoesNotContain(freshLog, e => e.Level >= LogLevel.Warning);
    }
}
