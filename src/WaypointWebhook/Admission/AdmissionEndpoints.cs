using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using WaypointWebhook.Policy;
using WaypointWebhook.Policy.Messages;

namespace WaypointWebhook.Admission;

/// <summary>
/// <c>POST /validate</c> and <c>POST /mutate</c>: reads the body within its limit and the process's
/// budget, hands it to the <see cref="AdmissionHandler"/>, writes the answer within the bounds of spec
/// section 8, and one log event.
/// </summary>
public static class AdmissionEndpoints
{
    public const string ValidatePath = "/validate";
    public const string MutatePath = "/mutate";

    /// <summary>A longer uid is no AdmissionReview uid (a UUID is 36 characters), and the answer echoes it.</summary>
    public const int MaxUidLength = 128;

    /// <summary>A plain-text error message is cut to this many characters: it may quote what the request sent.</summary>
    public const int MaxErrorMessageLength = 512;

    public static void MapAdmission(this IEndpointRouteBuilder routes)
    {
        // Singletons resolved once: touching HttpContext.RequestServices would open a DI scope per admission.
        var services = routes.ServiceProvider;
        var limits = services.GetRequiredService<AdmissionLimits>();
        var dependencies = new Dependencies(
            services.GetRequiredService<AdmissionHandler>(),
            [.. services.GetServices<IAdmissionObserver>()],
            services.GetRequiredService<RequestBodyBudget>(),
            limits.MaxRequestBodyBytes,
            limits.BodyTimeout);
        routes.MapPost(ValidatePath, context => Serve(context, AdmissionEndpoint.Validate, dependencies));
        routes.MapPost(MutatePath, context => Serve(context, AdmissionEndpoint.Mutate, dependencies));
    }

    private sealed record Dependencies(AdmissionHandler Handler, IAdmissionObserver[] Observers, RequestBodyBudget Budget, long MaxRequestBodyBytes, TimeSpan BodyTimeout);

    private static async Task Serve(HttpContext context, AdmissionEndpoint endpoint, Dependencies dependencies)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();

        var outcome = Bounded(await ReadAndHandle(context, endpoint, dependencies));
        try
        {
            await Write(context, outcome);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException && context.RequestAborted.IsCancellationRequested)
        {
            // The client is gone and the answer undeliverable; it is still logged and counted below.
        }

        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        foreach (var observer in dependencies.Observers)
        {
            observer.Record(endpoint, outcome, elapsed);
        }
    }

    private static async Task Write(HttpContext context, AdmissionOutcome outcome)
    {
        switch (outcome)
        {
            case Answered answered:
                context.Response.StatusCode = StatusCodes.Status200OK;
                context.Response.ContentType = "application/json";
                ResponseBuffer.WriteJson(context.Response, answered.Review);
                await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
                break;
            case Refused bad:
                if (bad.Cause is RefusalCause.OverBudget or RefusalCause.BodyTooLarge && HttpProtocol.IsHttp11(context.Request.Protocol))
                {
                    // The body was never read: closing the connection spares draining megabytes nobody wants.
                    context.Response.Headers.Connection = "close";
                }

                context.Response.StatusCode = bad.StatusCode;
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync(bad.Message + "\n", context.RequestAborted);
                break;
        }
    }

    /// <summary>
    /// The answer within the bounds of spec section 8, whatever the handler made of the input: a uid too long
    /// to echo is a 400; at most 16 warnings of at most 256 characters, 4,096 in all; an error message one
    /// line, cut. (The deny message is bounded where it is built, <see cref="AdmissionMessages.DenyMessage"/>.)
    /// </summary>
    public static AdmissionOutcome Bounded(AdmissionOutcome outcome)
    {
        switch (outcome)
        {
            case Answered { Request.Uid.Length: > MaxUidLength }:
                return new Refused(400, RefusalCause.InvalidUid, $"request.uid is longer than {MaxUidLength} characters: not an AdmissionReview uid");
            case Answered answered when answered.Review.Response.Warnings is { } warnings && !WithinWarningBounds(warnings):
                answered.Review.Response.Warnings = AdmissionMessages.Warnings(answered.Warnings);
                return answered;
            case Refused bad when bad.Message.Length > MaxErrorMessageLength || !SafeText.IsOneLine(bad.Message) || bad.Uid is { Length: > MaxUidLength }:
                return bad with
                {
                    Message = SafeText.Clip(bad.Message, MaxErrorMessageLength),
                    Uid = bad.Uid is { Length: > MaxUidLength } ? SafeText.Clip(bad.Uid, MaxUidLength) : bad.Uid,
                };
            default:
                return outcome;
        }
    }

    private static bool WithinWarningBounds(List<string> warnings)
    {
        if (warnings.Count > AnswerBounds.MaxWarningsShown)
        {
            return false;
        }

        var total = 0;
        foreach (var warning in warnings)
        {
            if (warning.Length > AnswerBounds.MaxWarningLength || !SafeText.IsOneLine(warning))
            {
                return false;
            }

            total += warning.Length;
        }

        return total <= AnswerBounds.MaxWarningsTotalLength;
    }

    private static async Task<AdmissionOutcome> ReadAndHandle(HttpContext context, AdmissionEndpoint endpoint, Dependencies dependencies)
    {
        var (handler, _, budget, limit, bodyTimeout) = dependencies;
        if (!IsJson(context.Request.ContentType))
        {
            return new Refused(415, RefusalCause.UnsupportedMediaType, $"Content-Type must be application/json, got \"{SafeText.Clip(context.Request.ContentType, 64)}\"");
        }

        var declared = context.Request.ContentLength;
        if (declared > limit)
        {
            return TooLarge(limit);
        }

        // A declared length is reserved whole before a byte is read; a chunked body as it arrives.
        var reserved = 0L;
        CancellationTokenSource? timeout = null;
        if (declared is { } length)
        {
            if (!budget.TryReserve(length))
            {
                return OverBudget(budget);
            }

            reserved = length;
        }

        try
        {
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
                    // A body of a few KB is usually whole before the endpoint runs (one TLS record): only a body
                    // still arriving needs the timer (a linked token source and a timer per admission else).
                    if (!reader.TryRead(out read))
                    {
                        if (timeout is null)
                        {
                            timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
                            timeout.CancelAfter(bodyTimeout);
                        }

                        read = await reader.ReadAsync(timeout.Token);
                    }
                }
                catch (OperationCanceledException) when (timeout is { IsCancellationRequested: true } && !context.RequestAborted.IsCancellationRequested)
                {
                    return new Refused(408, RefusalCause.BodyTimeout, $"request body did not arrive within {bodyTimeout.TotalSeconds:0.#} s");
                }
                catch (Exception e) when (e is IOException or OperationCanceledException && context.RequestAborted.IsCancellationRequested)
                {
                    return ClientGone();
                }
                catch (Exception e) when (e is BadHttpRequestException or IOException or OperationCanceledException)
                {
                    return new Refused(400, RefusalCause.UnreadableBody, "request body could not be read: " + e.Message);
                }

                if (read.Buffer.Length > limit)
                {
                    reader.AdvanceTo(read.Buffer.End);
                    return TooLarge(limit);
                }

                if (read.Buffer.Length > reserved)
                {
                    // Chunked: reserve in steps of 64 KiB, not per read.
                    var step = Math.Max(read.Buffer.Length - reserved, 64 * 1024);
                    if (!budget.TryReserve(step))
                    {
                        reader.AdvanceTo(read.Buffer.End);
                        return OverBudget(budget);
                    }

                    reserved += step;
                }

                if (read.IsCompleted || read.IsCanceled)
                {
                    var large = read.Buffer.Length > RequestBodyBudget.SmallBodyBytes;
                    try
                    {
                        if (large && !await budget.EnterLargeEvaluation(bodyTimeout, context.RequestAborted))
                        {
                            return OverBudget(budget);
                        }

                        try
                        {
                            return await handler.HandleAsync(read.Buffer, endpoint, context.RequestAborted);
                        }
                        finally
                        {
                            if (large)
                            {
                                budget.ExitLargeEvaluation();
                            }
                        }
                    }
                    catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
                    {
                        return ClientGone();
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
        finally
        {
            timeout?.Dispose();
            budget.Release(reserved);
        }
    }

    private static Refused TooLarge(long limit) =>
        new(413, RefusalCause.BodyTooLarge, $"request body exceeds the limit of {limit} bytes");

    /// <summary>The client closed the connection mid-request: nothing to answer, and no fault in what it sent.</summary>
    private static Refused ClientGone() => new(400, RefusalCause.ClientGone, "the client went away before the answer");

    private static Refused OverBudget(RequestBodyBudget budget) =>
        new(429, RefusalCause.OverBudget, $"too many request bytes in flight (budget {budget.Capacity} bytes): try again later");

    private static bool IsJson(string? contentType) =>
        contentType is not null
        && (contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
            && (contentType.Length == "application/json".Length || contentType["application/json".Length] is ';' or ' '));
}
