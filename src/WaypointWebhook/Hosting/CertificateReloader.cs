using WaypointWebhook.Settings;
namespace WaypointWebhook.Hosting;

/// <summary>
/// Checks the certificate files on an interval (polling follows a Secret volume's symlink swap, which
/// file-change notifications can miss) and says loudly when the certificate is close to or past expiry:
/// once when a threshold is crossed (7 days, 1 day, 1 hour left, expired) and then at most hourly, not at
/// every poll.
/// </summary>
public sealed class CertificateReloader(ServingCertificate certificate, WebhookSettings settings, TimeProvider clock, ILogger<CertificateReloader> logger) : BackgroundService
{
    private static readonly TimeSpan WarnBefore = TimeSpan.FromDays(7);

    /// <summary>The thresholds, nearest last: crossing one logs at once.</summary>
    private static readonly TimeSpan[] Thresholds = [WarnBefore, TimeSpan.FromDays(1), TimeSpan.FromHours(1), TimeSpan.Zero];

    /// <summary>Between crossings, the same state is repeated at most this often.</summary>
    public static readonly TimeSpan RepeatEvery = TimeSpan.FromHours(1);

    /// <summary>How many thresholds the current certificate had crossed when last logged (0: none).</summary>
    private int reportedLevel;
    private DateTimeOffset reportedAt;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Report();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(settings.CertificateReloadSeconds), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                if (certificate.ReloadIfChanged())
                {
                    logger.LogInformation("Reloaded the serving certificate from {File}", certificate.CertificateFile);
                    Report();
                }
            }
            catch (SettingsException e)
            {
                logger.LogWarning("Keeping the current serving certificate: {Error}", e.Message);
            }

            ReportExpiry();
        }
    }

    private void Report()
    {
        // A certificate just loaded is reported afresh.
        reportedLevel = 0;
        if (certificate.Current is not { } current)
        {
            return; // never: the server does not start without a certificate
        }

        logger.LogInformation("Serving certificate {Subject} (serial {Serial}) valid until {NotAfter:o}", current.Subject, current.SerialNumber, current.NotAfter.ToUniversalTime());
        ReportExpiry();
    }

    private void ReportExpiry()
    {
        if (certificate.Current is not { } current)
        {
            return;
        }

        var now = clock.GetUtcNow();
        var left = current.NotAfter.ToUniversalTime() - now.UtcDateTime;
        var level = 0;
        while (level < Thresholds.Length && (level == Thresholds.Length - 1 ? left <= Thresholds[level] : left < Thresholds[level]))
        {
            level++;
        }

        if (level == 0 || (level == reportedLevel && now - reportedAt < RepeatEvery))
        {
            reportedLevel = level;
            return;
        }

        reportedLevel = level;
        reportedAt = now;
        if (left <= TimeSpan.Zero)
        {
            logger.LogError("The serving certificate expired at {NotAfter:o}: the API server will fail every call to this webhook", current.NotAfter.ToUniversalTime());
        }
        else if (left < WarnBefore)
        {
            logger.LogWarning("The serving certificate expires in {Hours:F0} hours ({NotAfter:o}) and has not been renewed", left.TotalHours, current.NotAfter.ToUniversalTime());
        }
    }
}
