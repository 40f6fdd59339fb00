using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Prometheus;
using Serilog;
using WaypointWebhook.Admission;
using WaypointWebhook.Cluster;
using WaypointWebhook.Policy;
using WaypointWebhook.Settings;

namespace WaypointWebhook.Hosting;


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
        builder.Services.AddSingleton(new RequestBodyBudget(settings.MaxBufferedBodyBytes));
        builder.Services.AddSingleton(new AdmissionLimits(settings.MaxRequestBodyBytes, TimeSpan.FromSeconds(settings.RequestBodyTimeoutSeconds)));
        builder.Services.AddSingleton<AdmissionHandler>();
        builder.Services.AddSingleton<AdmissionLog>();
        builder.Services.AddSingleton<IAdmissionObserver>(services => services.GetRequiredService<AdmissionLog>());
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<WebhookMetrics>();
        builder.Services.AddSingleton<IAdmissionObserver>(services => services.GetRequiredService<WebhookMetrics>());
        builder.Services.AddHostedService<CertificateReloader>();
        builder.Services.AddSingleton<GracefulShutdown>();
        builder.Services.AddHostedService(services => services.GetRequiredService<GracefulShutdown>());
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(settings.ShutdownDelaySeconds + 20));
        builder.Services.AddHostedService<ClusterViewService>();

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            ApplyLimits(kestrel.Limits, settings);

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
    /// Kestrel's limits, set deliberately against the memory budget (README "Limits and the memory budget"):
    /// connections and HTTP/2 streams bound how many requests can be in flight, header limits what each
    /// may send before its body, and the data rate how long a slow client may hold a connection. The body
    /// bytes in flight are capped by <see cref="RequestBodyBudget"/>; a body's total time by the endpoint.
    /// </summary>
    public static void ApplyLimits(KestrelServerLimits limits, WebhookSettings settings)
    {
        limits.MaxConcurrentConnections = settings.MaxConnections;
        limits.MaxConcurrentUpgradedConnections = 0;
        limits.Http2.MaxStreamsPerConnection = settings.MaxStreamsPerConnection;

        // What a connection may buffer before the application reads it (Kestrel's defaults: 1 MiB, and for
        // HTTP/2 a 1 MiB connection window of 768 KiB streams). Under a flood every connection fills its
        // buffer: 64 connections x 1 MiB would be a quarter of the container. Bodies are read as they come,
        // so smaller buffers cost no throughput on the API server's fast link.
        limits.MaxRequestBufferSize = 128 * 1024;
        limits.Http2.InitialConnectionWindowSize = 256 * 1024;
        limits.Http2.InitialStreamWindowSize = 128 * 1024;

        // An AdmissionReview carries a handful of headers; the API server sends no cookies.
        limits.MaxRequestHeaderCount = 64;
        limits.MaxRequestHeadersTotalSize = 16 * 1024;
        limits.MaxRequestLineSize = 4 * 1024;
        limits.Http2.MaxRequestHeaderFieldSize = 8 * 1024;
        limits.Http2.HeaderTableSize = 4 * 1024;
        limits.RequestHeadersTimeout = TimeSpan.FromSeconds(10);
        limits.KeepAliveTimeout = TimeSpan.FromSeconds(120);

        // The API server sends a body from memory: 16 KiB/s after a 2 s grace is far below what it does,
        // and far above what a slowloris trickle does.
        limits.MinRequestBodyDataRate = new MinDataRate(bytesPerSecond: 16 * 1024, gracePeriod: TimeSpan.FromSeconds(2));
        limits.MinResponseDataRate = new MinDataRate(bytesPerSecond: 16 * 1024, gracePeriod: TimeSpan.FromSeconds(2));
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
