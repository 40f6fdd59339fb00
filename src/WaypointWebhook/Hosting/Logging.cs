using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace WaypointWebhook.Hosting;

public static class Logging
{
    /// <summary>Serilog to standard error (standard output is the CLI's), compact JSON when asked.</summary>
    public static Serilog.Core.Logger Create(WebhookSettings settings)
    {
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Is(Enum.Parse<LogEventLevel>(settings.LogLevel, ignoreCase: true))
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
            .Enrich.FromLogContext();

        return string.Equals(settings.LogFormat, "Json", StringComparison.OrdinalIgnoreCase)
            ? configuration.WriteTo.Console(new RenderedCompactJsonFormatter(), standardErrorFromLevel: LogEventLevel.Verbose).CreateLogger()
            : configuration.WriteTo.Console(
                outputTemplate: "{Timestamp:HH:mm:ss.fff} {Level:u3} {SourceContext}: {Message:lj}{NewLine}{Exception}",
                standardErrorFromLevel: LogEventLevel.Verbose,
                formatProvider: System.Globalization.CultureInfo.InvariantCulture).CreateLogger();
    }
}
