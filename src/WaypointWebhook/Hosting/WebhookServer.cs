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
    /// <summary>The server, in four steps: certificate, services, Kestrel's two ports, then each port's endpoints.</summary>
    public static WebApplication Build(ServeOptions serve, WebhookSettings settings, IClusterViewSource viewSource, IConfiguration configuration, Serilog.ILogger logger)
    {
        var certificate = new ServingCertificate(serve.CertificateFile, serve.KeyFile);
        certificate.Load();

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddConfiguration(configuration);
        ConfigureLogging(builder.Logging, builder.Services, logger);
        AddServices(builder.Services, settings, viewSource, certificate);
        ConfigureKestrel(builder.WebHost, serve, settings, certificate);

        var app = builder.Build();
        MapEndpoints(app, serve);
        return app;
    }

    private static void ConfigureLogging(ILoggingBuilder logging, IServiceCollection services, Serilog.ILogger logger)
    {
        logging.ClearProviders();

        // With no logger enabled for it, hosting opens no log scope per request (an AsyncLocal push and
        // allocations on every admission); its request-level events are Debug anyway.
        logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        services.AddSerilog(logger, dispose: false);
    }

    /// <summary>Every service is a singleton, built once: nothing is resolved per request.</summary>
    private static void AddServices(IServiceCollection services, WebhookSettings settings, IClusterViewSource viewSource, ServingCertificate certificate)
    {
        services.AddSingleton(settings);
        services.AddSingleton(viewSource);
        services.AddSingleton(certificate);
        services.AddSingleton(TimeProvider.System);

        // Admission: the policy, the handler, the limits of one request and of all in flight.
        services.AddSingleton(new WaypointPolicy(settings.ToPolicyOptions()));
        services.AddSingleton<AdmissionHandler>();
        services.AddSingleton(new RequestBodyBudget(settings.MaxBufferedBodyBytes));
        services.AddSingleton(new AdmissionLimits(settings.MaxRequestBodyBytes, TimeSpan.FromSeconds(settings.RequestBodyTimeoutSeconds)));

        // What is told of every admission: the log and the metrics.
        services.AddSingleton<AdmissionLog>();
        services.AddSingleton<IAdmissionObserver>(provider => provider.GetRequiredService<AdmissionLog>());
        services.AddSingleton(provider => new WebhookMetrics(
            viewSource, certificate, provider.GetRequiredService<GracefulShutdown>(), provider.GetRequiredService<TimeProvider>(), provider.GetRequiredService<UnboundAudit>()));
        services.AddSingleton<IAdmissionObserver>(provider => provider.GetRequiredService<WebhookMetrics>());

        // What runs beside the requests: the view's watches, certificate reloads, the shutdown delay.
        services.AddHostedService<ClusterViewService>();
        services.AddUnboundAudit();
        services.AddHostedService<CertificateReloader>();
        services.AddSingleton<GracefulShutdown>();
        services.AddHostedService(provider => provider.GetRequiredService<GracefulShutdown>());
        services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(settings.ShutdownDelaySeconds + 20));
    }

    /// <summary>Admission over HTTPS (HTTP/1.1 and 2) on one port, health over plain HTTP/1.1 on the other.</summary>
    private static void ConfigureKestrel(IWebHostBuilder host, ServeOptions serve, WebhookSettings settings, ServingCertificate certificate) =>
        host.ConfigureKestrel(kestrel =>
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

    /// <summary>
    /// Each path answers only on its own port: the health port can never reach the admission endpoints.
    /// (A terminal delegate in place of the admission port's routing was measured A/B and showed no gain
    /// beyond the run's spread: README "Benchmarks".)
    /// </summary>
    private static void MapEndpoints(WebApplication app, ServeOptions serve)
    {
        app.MapWhen(c => c.Connection.LocalPort == serve.HealthPort, health =>
        {
            health.UseRouting();
            health.UseEndpoints(endpoints =>
            {
                endpoints.MapHealth();
                endpoints.MapMetrics("/metrics", endpoints.ServiceProvider.GetRequiredService<WebhookMetrics>().Registry);
                endpoints.MapUnbound();
            });
        });
        app.MapWhen(c => c.Connection.LocalPort == serve.Port, admission =>
        {
            admission.UseRouting();
            admission.UseEndpoints(endpoints => endpoints.MapAdmission());
        });
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
}
