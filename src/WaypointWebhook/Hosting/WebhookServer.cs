using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Prometheus;
using Serilog;
using WaypointWebhook.Admission;
using WaypointWebhook.Cluster;
using WaypointWebhook.Policy;

namespace WaypointWebhook.Hosting;

/// <summary>What <c>serve</c> needs to start.</summary>
public sealed record ServeOptions(int Port, int HealthPort, string CertificateFile, string KeyFile, IPAddress? BindAddress = null);

/// <summary>
/// Composes the webhook: admission over HTTPS on one port, health on a plain HTTP port. Each path
/// answers only on its own port, so the health port can never be used to reach the admission endpoints.
/// </summary>
public static class WebhookServer
{
    private static int metricsConfigured;

    public static WebApplication Build(ServeOptions serve, WebhookSettings settings, IClusterViewSource views, IConfiguration configuration, Serilog.ILogger logger)
    {
        var certificate = new ServingCertificate(serve.CertificateFile, serve.KeyFile);
        certificate.Load();

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddConfiguration(configuration);
        builder.Logging.ClearProviders();

        // With no logger enabled for it, hosting opens no log scope per request (an AsyncLocal push and
        // allocations on every admission); its request-level events are Debug anyway.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        builder.Services.AddSerilog(logger, dispose: false);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(views);
        builder.Services.AddSingleton(certificate);
        builder.Services.AddSingleton(new WaypointPolicy(settings.ToPolicyOptions()));
        builder.Services.AddSingleton<AdmissionHandler>();
        builder.Services.AddSingleton<AdmissionLog>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<WebhookMetrics>();
        builder.Services.AddHostedService<CertificateReloader>();
        builder.Services.AddSingleton<GracefulShutdown>();
        builder.Services.AddHostedService(services => services.GetRequiredService<GracefulShutdown>());
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(settings.ShutdownDelaySeconds + 20));
        builder.Services.AddHostedService<ClusterViewService>();

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;

            // Any address binds IPv6 and IPv4 both (dual-stack clusters give pods IPv6 addresses).
            void Listen(int port, Action<ListenOptions> configure)
            {
                if (serve.BindAddress is { } address)
                {
                    kestrel.Listen(address, port, configure);
                }
                else
                {
                    kestrel.ListenAnyIP(port, configure);
                }
            }

            Listen(serve.Port, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(https => https.ServerCertificateSelector = (_, _) => certificate.Current);
            });
            Listen(serve.HealthPort, listen => listen.Protocols = HttpProtocols.Http1);
        });

        ConfigureMetricsExport();
        var app = builder.Build();
        app.MapWhen(c => c.Connection.LocalPort == serve.HealthPort, health =>
        {
            health.UseRouting();
            health.UseEndpoints(endpoints =>
            {
                endpoints.MapHealth();
                endpoints.MapMetrics();
            });
        });
        app.MapWhen(c => c.Connection.LocalPort == serve.Port, admission =>
        {
            admission.UseRouting();
            admission.UseEndpoints(endpoints => endpoints.MapAdmission());
        });
        return app;
    }

    /// <summary>
    /// Exports our meter and the runtime's (GC, memory) through prometheus-net's meter adapter, with our
    /// latency buckets. The adapter is started explicitly: the default one does not pick up our meter.
    /// Counters appear as gauges: prometheus-net's adapter maps every .NET counter so.
    /// </summary>
    private static void ConfigureMetricsExport()
    {
        if (Interlocked.Exchange(ref metricsConfigured, 1) == 1)
        {
            return;
        }

        Metrics.SuppressDefaultMetrics(new SuppressDefaultMetricOptions { SuppressMeters = true, SuppressEventCounters = true });
        MeterAdapter.StartListening(new MeterAdapterOptions
        {
            InstrumentFilterPredicate = instrument => instrument.Meter.Name is WebhookMetrics.MeterName or "System.Runtime",
            ResolveHistogramBuckets = instrument => instrument.Name == WebhookMetrics.DurationName ? WebhookMetrics.DurationBuckets : MeterAdapterOptions.DefaultHistogramBuckets,
        });
    }
}
