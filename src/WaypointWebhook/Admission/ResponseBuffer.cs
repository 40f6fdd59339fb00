using System.Buffers;
using System.Text.Json;

namespace WaypointWebhook.Admission;

/// <summary>
/// An answer serialized into a buffer kept per thread, then copied into the response's pipe in one write
/// with its Content-Length: no chunked framing, no stream adapter over the pipe, no allocation per answer.
/// The copy is synchronous, so the buffer is free again before the flush is awaited.
/// </summary>
internal static class ResponseBuffer
{
    /// <summary>A buffer grown past this (a large patch) is not kept for the next answer.</summary>
    private const int KeptCapacity = 64 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? writer;

    public static void WriteJson(HttpResponse response, AdmissionReviewResponse review)
    {
        var bytes = buffer ??= new ArrayBufferWriter<byte>(4096);
        var json = writer ??= new Utf8JsonWriter(bytes, new JsonWriterOptions { SkipValidation = true });
        try
        {
            JsonSerializer.Serialize(json, review, WireJsonContext.Default.AdmissionReviewResponse);
            json.Flush();
            response.ContentLength = bytes.WrittenCount;
            response.BodyWriter.Write(bytes.WrittenSpan);
        }
        finally
        {
            json.Reset(bytes);
            if (bytes.Capacity > KeptCapacity)
            {
                buffer = null;
                writer = null;
            }
            else
            {
                bytes.ResetWrittenCount();
            }
        }
    }
}
