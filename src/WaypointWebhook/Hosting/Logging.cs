using System.Text;
using Serilog;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Compact;
using Serilog.Formatting.Display;
using WaypointWebhook.Settings;

namespace WaypointWebhook.Hosting;

public static class Logging
{
    /// <summary>
    /// Serilog to standard error (standard output is the CLI's), compact JSON when asked. Events are
    /// formatted on a background thread and written through a buffer flushed every half second (and at
    /// exit): a flood of denials costs one write per buffer, not one system call and console lock per
    /// request. Should the queue ever fill, events are dropped, never an admission.
    /// </summary>
    public static Serilog.Core.Logger Create(WebhookSettings settings)
    {
        var output = new BufferedStandardError(Formatter(settings));
        return new LoggerConfiguration()
            .MinimumLevel.Is(Enum.Parse<LogEventLevel>(settings.LogLevel, ignoreCase: true))
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
            .WriteTo.Async(sink => sink.Sink(output), bufferSize: 10_000, blockWhenFull: false)
            .CreateLogger();
    }

    /// <summary>How each event is written: one line of text, or compact JSON when asked.</summary>
    public static ITextFormatter Formatter(WebhookSettings settings) =>
        string.Equals(settings.LogFormat, "Json", StringComparison.OrdinalIgnoreCase)
            ? new RenderedCompactJsonFormatter()
            : new MessageTemplateTextFormatter(
                "{Timestamp:HH:mm:ss.fff} {Level:u3} {SourceContext}: {Message:lj}{NewLine}{Exception}",
                System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Standard error behind a 64 KiB buffer, flushed on a timer, after errors and on dispose. One lock per
    /// event, not per write: a synchronized writer took its lock on each of the thirty-odd writes the
    /// formatter makes of one line.
    /// </summary>
    private sealed class BufferedStandardError : Serilog.Core.ILogEventSink, IDisposable
    {
        private readonly StreamWriter writer = new(Console.OpenStandardError(), new UTF8Encoding(false), 64 * 1024) { AutoFlush = false };
        private readonly Lock gate = new();
        private readonly Timer flusher;
        private readonly ITextFormatter formatter;

        public BufferedStandardError(ITextFormatter formatter)
        {
            this.formatter = formatter;
            flusher = new Timer(_ => Flush(), null, TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(500));
        }

        public void Emit(LogEvent logEvent)
        {
            lock (gate)
            {
                formatter.Format(logEvent, writer);
                if (logEvent.Level >= LogEventLevel.Error)
                {
                    writer.Flush();
                }
            }
        }

        public void Dispose()
        {
            flusher.Dispose();
            Flush();
        }

        private void Flush()
        {
            lock (gate)
            {
                writer.Flush();
            }
        }
    }
}
