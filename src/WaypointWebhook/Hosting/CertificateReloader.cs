namespace WaypointWebhook.Hosting;

/// <summary>
/// Checks the certificate files on an interval (polling follows a Secret volume's symlink swap, which
/// file-change notifications can miss) and says loudly when the certificate is close to or past expiry.
/// </summary>
public sealed class CertificateReloader(ServingCertificate certificate, WebhookSettings settings, TimeProvider clock, ILogger<CertificateReloader> logger) : BackgroundService
{
    private static readonly TimeSpan WarnBefore = TimeSpan.FromDays(7);

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
        var current = certificate.Current!;
        logger.LogInformation("Serving certificate {Subject} (serial {Serial}) valid until {NotAfter:o}", current.Subject, current.SerialNumber, current.NotAfter.ToUniversalTime());
        ReportExpiry();
    }

    private void ReportExpiry()
    {
        var left = certificate.Current!.NotAfter.ToUniversalTime() - clock.GetUtcNow().UtcDateTime;
        if (left <= TimeSpan.Zero)
        {
            logger.LogError("The serving certificate expired at {NotAfter:o}: the API server will fail every call to this webhook", certificate.Current.NotAfter.ToUniversalTime());
        }
        else if (left < WarnBefore)
        {
            logger.LogWarning("The serving certificate expires in {Hours:F0} hours ({NotAfter:o}) and has not been renewed", left.TotalHours, certificate.Current.NotAfter.ToUniversalTime());
        }
    }
}
