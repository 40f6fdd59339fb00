using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using WaypointWebhook.Cluster;
using WaypointWebhook.Hosting;
using WaypointWebhook.Settings;

namespace WaypointWebhook.Tests.Integration;

/// <summary>An expiring or expired serving certificate is never served silently: a log line and a metric say so.</summary>
public sealed class CertificateExpiryTests
{
    private sealed class RecordingLogger<T> : ILogger<T>
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

    private static async Task<List<(LogLevel Level, string Message)>> ReloaderLog(TestCertificates certificates)
    {
        var certificate = new ServingCertificate(certificates.CertificateFile, certificates.KeyFile);
        certificate.Load();
        var logger = new RecordingLogger<CertificateReloader>();
        var settings = WebhookSettings.Load(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Webhook:CertificateReloadSeconds"] = "0.05" }).Build());
        using var reloader = new CertificateReloader(certificate, settings, TimeProvider.System, logger);
        await reloader.StartAsync(CancellationToken.None);
        await Task.Delay(200);
        await reloader.StopAsync(CancellationToken.None);
        lock (logger.Entries)
        {
            return [.. logger.Entries];
        }
    }

    [Fact]
    public async Task Expired_certificate_is_logged_as_an_error_and_the_metric_goes_negative()
    {
        using var expired = new TestCertificates(validFor: TimeSpan.FromDays(-2));

        var log = await ReloaderLog(expired);

        Assert.Contains(log, e => e.Level == LogLevel.Error && e.Message.StartsWith("The serving certificate expired at", StringComparison.Ordinal));

        var certificate = new ServingCertificate(expired.CertificateFile, expired.KeyFile);
        certificate.Load();
        var paths = new[] { Reviews.ExampleCluster };
        using var metrics = new WebhookMetrics(new ManifestClusterViewSource(ClusterSnapshot.From(ManifestReader.Read(paths)), paths), certificate, TimeProvider.System);
        double? seconds = null;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == WebhookMetrics.MeterName && instrument.Name == "certificate_expiry_seconds")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, value, _, _) => seconds = value);
        listener.Start();
        listener.RecordObservableInstruments();

        Assert.NotNull(seconds);
        Assert.InRange(seconds!.Value, -3 * 86400, -86400);
    }

    [Fact]
    public async Task Certificate_close_to_expiry_is_a_warning_and_a_fresh_one_is_quiet()
    {
        using var expiring = new TestCertificates(validFor: TimeSpan.FromDays(2));
        using var fresh = new TestCertificates(validFor: TimeSpan.FromDays(90));

        var expiringLog = await ReloaderLog(expiring);
        var freshLog = await ReloaderLog(fresh);

        Assert.Contains(expiringLog, e => e.Level == LogLevel.Warning && e.Message.StartsWith("The serving certificate expires in", StringComparison.Ordinal));
        Assert.DoesNotContain(freshLog, e => e.Level >= LogLevel.Warning);
    }
}
