using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using WaypointWebhook.Hosting;
using WaypointWebhook.Settings;

namespace WaypointWebhook.Tests.Integration;

/// <summary>Issue 9, item 12: a certificate close to expiry is said once per threshold crossed, then at most hourly, not at every poll.</summary>
public sealed class CertificateExpiryRepeatTests
{
    private sealed class RecordingLogger : ILogger<CertificateReloader>
    {
        public List<(LogLevel Level, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Entries)
            {
                Entries.Add((logLevel, formatter(state, exception)));
            }
        }
    }

    [Theory]
    [InlineData(2, LogLevel.Warning)]
    [InlineData(-2, LogLevel.Error)]
    public async Task Twenty_polls_of_an_expiring_certificate_log_it_once(int days, LogLevel level)
    {
        using var certificates = new TestCertificates(validFor: TimeSpan.FromDays(days));
        var certificate = new ServingCertificate(certificates.CertificateFile, certificates.KeyFile);
        certificate.Load();
        var logger = new RecordingLogger();
        var settings = WebhookSettings.Load(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Webhook:CertificateReloadSeconds"] = "0.05" }).Build());
        using var reloader = new CertificateReloader(certificate, settings, TimeProvider.System, logger);

        await reloader.StartAsync(CancellationToken.None);
        await Task.Delay(1000);
        await reloader.StopAsync(CancellationToken.None);

        List<(LogLevel Level, string Message)> entries;
        lock (logger.Entries)
        {
            entries = [.. logger.Entries];
        }

        Assert.Single(entries, e => e.Level >= LogLevel.Warning);
        Assert.Equal(level, entries.Single(e => e.Level >= LogLevel.Warning).Level);
    }
}
