using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using WaypointWebhook.Hosting;

namespace WaypointWebhook.Admission;

/// <summary>
/// <c>POST /validate</c> and <c>POST /mutate</c>: reads the body within its limit, hands it to the
/// <see cref="AdmissionHandler"/>, writes the answer and one log event.
/// </summary>
public static class AdmissionEndpoints
{
    public const string ValidatePath = "/validate";
    public const string MutatePath = "/mutate";

    public static void MapAdmission(this IEndpointRouteBuilder routes)
    {
        // Singletons resolved once: touching HttpContext.RequestServices would open a DI scope per admission.
        var services = routes.ServiceProvider;
        var dependencies = new Dependencies(
            services.GetRequiredService<AdmissionHandler>(),
            services.GetRequiredService<AdmissionLog>(),
            services.GetRequiredService<WebhookMetrics>(),
            services.GetRequiredService<WebhookSettings>().MaxRequestBodyBytes);
        routes.MapPost(ValidatePath, context => Serve(context, AdmissionEndpoint.Validate, dependencies));
        routes.MapPost(MutatePath, context => Serve(context, AdmissionEndpoint.Mutate, dependencies));
    }

    private sealed record Dependencies(AdmissionHandler Handler, AdmissionLog Log, WebhookMetrics Metrics, long MaxRequestBodyBytes);

    private static async Task Serve(HttpContext context, AdmissionEndpoint endpoint, Dependencies dependencies)
    {
        var (handler, log, metrics, limit) = dependencies;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();

        var outcome = await ReadAndHandle(context, endpoint, limit, handler);
        switch (outcome)
        {
            case Answered answered:
                context.Response.StatusCode = StatusCodes.Status200OK;
                context.Response.ContentType = "application/json";
                await JsonSerializer.SerializeAsync(context.Response.Body, answered.Review, WireJsonContext.Default.AdmissionReviewResponse, context.RequestAborted);
                break;
            case BadRequest bad:
                context.Response.StatusCode = bad.StatusCode;
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync(bad.Message + "\n", context.RequestAborted);
                break;
        }

        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        log.Record(endpoint, outcome, elapsed);
        metrics.Record(endpoint, outcome, elapsed);
    }

    private static async Task<AdmissionOutcome> ReadAndHandle(HttpContext context, AdmissionEndpoint endpoint, long limit, AdmissionHandler handler)
    {
        if (!IsJson(context.Request.ContentType))
        {
            return new BadRequest(415, BadRequestCause.UnsupportedMediaType, $"Content-Type must be application/json, got \"{context.Request.ContentType}\"");
        }

        if (context.Request.ContentLength > limit)
        {
            return TooLarge(limit);
        }

        // Our own limit replaces Kestrel's, so an oversized body gets a 413 with a message.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = null;
        }

        var reader = context.Request.BodyReader;
        while (true)
        {
            ReadResult read;
            try
            {
                read = await reader.ReadAsync(context.RequestAborted);
            }
            catch (Exception e) when (e is BadHttpRequestException or IOException or OperationCanceledException)
            {
                return new BadRequest(400, BadRequestCause.MalformedJson, "request body could not be read: " + e.Message);
            }

            if (read.Buffer.Length > limit)
            {
                reader.AdvanceTo(read.Buffer.End);
                return TooLarge(limit);
            }

            if (read.IsCompleted || read.IsCanceled)
            {
                try
                {
                    return await handler.HandleAsync(read.Buffer, endpoint, context.RequestAborted);
                }
                finally
                {
                    reader.AdvanceTo(read.Buffer.End);
                }
            }

            // Keep everything buffered until the body is complete.
            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }
    }

    private static BadRequest TooLarge(long limit) =>
        new(413, BadRequestCause.BodyTooLarge, $"request body exceeds the limit of {limit} bytes");

    private static bool IsJson(string? contentType) =>
        contentType is not null
        && (contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
            && (contentType.Length == "application/json".Length || contentType["application/json".Length] is ';' or ' '));
}
