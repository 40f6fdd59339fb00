using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Serilog;
using WaypointWebhook.Admission;
using WaypointWebhook.Cluster;
using WaypointWebhook.Cluster.Live;
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
    public static WebApplication Build(ServeOptions serve, WebhookSettings settings, IClusterViewSource views, IConfiguration configuration, Serilog.ILogger logger)
    {
        var certificate = new ServingCertificate(serve.CertificateFile, serve.KeyFile);
        certificate.Load();

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddConfiguration(configuration);
        builder.Logging.ClearProviders();
        builder.Services.AddSerilog(logger, dispose: false);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(views);
        builder.Services.AddSingleton(certificate);
        builder.Services.AddSingleton(new WaypointPolicy(settings.ToPolicyOptions()));
        builder.Services.AddSingleton<AdmissionHandler>();
        builder.Services.AddSingleton<AdmissionLog>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddHostedService<CertificateReloader>();
        builder.Services.AddSingleton<GracefulShutdown>();
        builder.Services.AddHostedService(services => services.GetRequiredService<GracefulShutdown>());
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(settings.ShutdownDelaySeconds + 20));
        if (views is LiveClusterView live)
        {
            builder.Services.AddSingleton(live);
            builder.Services.AddHostedService<ClusterViewService>();
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            var address = serve.BindAddress ?? IPAddress.Any;
            kestrel.Listen(address, serve.Port, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(https => https.ServerCertificateSelector = (_, _) => certificate.Current);
            });
            kestrel.Listen(address, serve.HealthPort, listen => listen.Protocols = HttpProtocols.Http1);
        });

        var app = builder.Build();
        app.MapWhen(c => c.Connection.LocalPort == serve.HealthPort, health =>
        {
            health.UseRouting();
            health.UseEndpoints(endpoints => endpoints.MapHealth());
        });
        app.MapWhen(c => c.Connection.LocalPort == serve.Port, admission =>
        {
            admission.UseRouting();
            admission.UseEndpoints(endpoints => endpoints.MapAdmission());
        });
        return app;
    }
}
