using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace WaypointWebhook.Hosting;

public static class Logging
{
    /// <summary>
    /// Serilog to standard error (standard output is the CLI's), compact JSON when asked. Console writes go
    /// through a background buffer: a denial's log line must not hold the request (or every other request
    /// behind the console lock). Should the buffer ever fill, events are dropped, never the admission.
    /// </summary>
    public static Serilog.Core.Logger Create(WebhookSettings settings)
    {
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Is(Enum.Parse<LogEventLevel>(settings.LogLevel, ignoreCase: true))
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
            .Enrich.FromLogContext();

        var json = string.Equals(settings.LogFormat, "Json", StringComparison.OrdinalIgnoreCase);
        return configuration.WriteTo.Async(
                sink =>
                {
                    if (json)
                    {
                        sink.Console(new RenderedCompactJsonFormatter(), standardErrorFromLevel: LogEventLevel.Verbose);
                    }
                    else
                    {
                        sink.Console(
                            outputTemplate: "{Timestamp:HH:mm:ss.fff} {Level:u3} {SourceContext}: {Message:lj}{NewLine}{Exception}",
                            standardErrorFromLevel: LogEventLevel.Verbose,
                            formatProvider: System.Globalization.CultureInfo.InvariantCulture);
                    }
                },
                bufferSize: 10_000,
                blockWhenFull: false)
            .CreateLogger();
    }
}
