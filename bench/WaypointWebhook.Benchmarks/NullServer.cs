using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using WaypointWebhook.Admission;
using WaypointWebhook.Hosting;

namespace WaypointWebhook.Benchmarks;

/// <summary>
/// The null baseline: the same Kestrel, TLS and body reading, the same AdmissionReview decoder and
/// encoder, and no policy: every review is allowed. The webhook's throughput is compared with this.
/// </summary>
public static class NullServer
{
    public static async Task RunAsync(int port, string certificateFile, string keyFile)
    {
        var certificate = new ServingCertificate(certificateFile, keyFile);
        certificate.Load();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, port, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(https => https.ServerCertificateSelector = (_, _) => certificate.Current);
            });
        });
        var app = builder.Build();
        app.MapPost("/validate", async context =>
        {
            var reader = context.Request.BodyReader;
            while (true)
            {
                var read = await reader.ReadAsync();
                if (read.IsCompleted)
                {
                    var uid = Decode(read.Buffer);
                    reader.AdvanceTo(read.Buffer.End);
                    context.Response.ContentType = "application/json";
                    await JsonSerializer.SerializeAsync(
                        context.Response.Body,
                        new AdmissionReviewResponse { Response = new AdmissionResponse { Uid = uid, Allowed = true } },
                        WireJsonContext.Default.AdmissionReviewResponse);
                    return;
                }

                reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
            }
        });
        await app.RunAsync();
    }

    private static string Decode(System.Buffers.ReadOnlySequence<byte> body)
    {
        var reader = new Utf8JsonReader(body);
        return JsonSerializer.Deserialize(ref reader, WireJsonContext.Default.AdmissionReviewRequest)?.Request?.Uid ?? string.Empty;
    }
}
