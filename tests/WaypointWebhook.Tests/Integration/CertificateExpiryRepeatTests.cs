using Microsoft.Extensions.Logging;
using WaypointWebhook.Hosting;
using WaypointWebhook.Settings;

namespace WaypointWebhook.Tests.Integration;

/// <summary>Issue 9, item 12: a certificate close to expiry is said once per threshold crossed, then at most hourly, not at every poll.</summary>
public sealed class CertificateExpiryRepeatTests
{
    [Theory]
    [InlineData(2, LogLevel.Warning)]
    [InlineData(-2, LogLevel.Error)]
    public async Task Twenty_polls_of_an_expiring_certificate_log_it_once(int days, LogLevel level)
    {
        using var certificates = new TestCertificates(validFor: TimeSpan.FromDays(days));

        var withinTheHour = await CertificateExpiryTests.ReloaderLog(certificates, polls: 20);
        var anHourLater = await CertificateExpiryTests.ReloaderLog(certificates, polls: 20, thenAdvance: CertificateReloader.RepeatEvery);

        Assert.Equal([level], withinTheHour.Where(e => e.Level >= LogLevel.Warning).Select(e => e.Level));

        // The reloader did poll on the moved clock: the hour later, the same state is said again.
        Assert.Equal([level, level], anHourLater.Where(e => e.Level >= LogLevel.Warning).Select(e => e.Level));
    }
}
