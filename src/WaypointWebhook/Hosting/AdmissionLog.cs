using WaypointWebhook.Admission;

namespace WaypointWebhook.Hosting;

/// <summary>
/// One structured event per admission, each with the AdmissionReview uid ("-" when the body had none):
/// denied and warned at Information (kind, object, operation, reason codes), allowed at Debug, bad
/// requests at Warning. Never the object body. Every value that comes from the request is escaped and
/// clipped (<see cref="LogValue"/>). Bad requests are rate limited: at most
/// <see cref="BadRequestsPerWindow"/> events per <see cref="BadRequestWindow"/>, and the next event after a
/// window with more says how many were not logged, so a flood of them cannot flood the log.
/// </summary>
public sealed partial class AdmissionLog(ILogger<AdmissionLog> logger, TimeProvider clock) : IAdmissionObserver
{
    public const int BadRequestsPerWindow = 10;
    public static readonly TimeSpan BadRequestWindow = TimeSpan.FromSeconds(10);

    private readonly Lock gate = new();
    private long windowStart = long.MinValue;
    private int loggedInWindow;
    private long suppressed;
    private long suppressedSince;

    public void Record(AdmissionEndpoint endpoint, AdmissionOutcome outcome, TimeSpan elapsed)
    {
        switch (outcome)
        {
            case Answered answered when answered.Denials.Count > 0 || answered.Warnings.Count > 0:
                if (logger.IsEnabled(LogLevel.Information))
                {
                    Judged(Short(answered.Request.Uid), answered.Verdict, Short(answered.Request.Kind), Name(answered.Request.Namespace), Name(answered.Request.Name), Short(answered.Request.Operation), Reasons(answered), answered.Request.DryRun, endpoint, elapsed.TotalMilliseconds);
                }

                break;
            case Answered answered:
                if (logger.IsEnabled(LogLevel.Debug))
                {
                    Allowed(Short(answered.Request.Uid), answered.Verdict, Short(answered.Request.Kind), Name(answered.Request.Namespace), Name(answered.Request.Name), Short(answered.Request.Operation), answered.Patched, answered.Evaluated, endpoint, elapsed.TotalMilliseconds);
                }

                break;
            case Refused bad:
                if (logger.IsEnabled(LogLevel.Warning) && AdmitBadRequestEvent(out var notLogged, out var since))
                {
                    if (notLogged > 0)
                    {
                        Suppressed(notLogged, since);
                    }

                    Rejected(bad.Uid is null ? "-" : Short(bad.Uid), endpoint, bad.StatusCode, bad.Cause, LogValue.Clean(bad.Message, LogValue.Message));
                }

                break;
        }
    }

    private static string Short(string? value) => LogValue.Clean(value, LogValue.Short);

    private static string Name(string? value) => LogValue.Clean(value, LogValue.Name);

    /// <summary>Whether this bad request may be logged; when so, how many were not since when.</summary>
    private bool AdmitBadRequestEvent(out long notLogged, out DateTimeOffset since)
    {
        var now = clock.GetTimestamp();
        lock (gate)
        {
            if (windowStart == long.MinValue || clock.GetElapsedTime(windowStart, now) >= BadRequestWindow)
            {
                windowStart = now;
                loggedInWindow = 0;
            }

            if (loggedInWindow >= BadRequestsPerWindow)
            {
                if (suppressed++ == 0)
                {
                    suppressedSince = now;
                }

                notLogged = 0;
                since = default;
                return false;
            }

            loggedInWindow++;
            notLogged = suppressed;
            since = clock.GetUtcNow() - clock.GetElapsedTime(suppressedSince, now);
            suppressed = 0;
            return true;
        }
    }

    /// <summary>The distinct reason codes, comma-separated: one string property, cheap to log and to query.</summary>
    private static string Reasons(Answered answered)
    {
        if (answered.Warnings.Count == 0 && answered.Denials.Count == 1)
        {
            return answered.Denials[0].Reason;
        }

        // Reason codes are the policy's own constants; a few distinct ones whatever the number of findings.
        return string.Join(',', answered.Denials.Concat(answered.Warnings).Select(f => f.Reason).Distinct());
    }

    // Source-generated: no template parsing and no argument array per event. (A parameter named @namespace
    // is published as "@namespace", which no template placeholder names: the line showed "{Namespace}".)
    [LoggerMessage(Level = LogLevel.Information, Message = "Admission {Uid} {Verdict} {Kind} {ObjectNamespace}/{ObjectName} {Operation} reasons={Reasons} dryRun={DryRun} endpoint={Endpoint} in {ElapsedMs:F2} ms")]
    private partial void Judged(string uid, string verdict, string kind, string objectNamespace, string objectName, string operation, string reasons, bool dryRun, AdmissionEndpoint endpoint, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Admission {Uid} {Verdict} {Kind} {ObjectNamespace}/{ObjectName} {Operation} patched={Patched} evaluated={Evaluated} endpoint={Endpoint} in {ElapsedMs:F2} ms")]
    private partial void Allowed(string uid, string verdict, string kind, string objectNamespace, string objectName, string operation, bool patched, bool evaluated, AdmissionEndpoint endpoint, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Admission {Uid} rejected: request to {Endpoint} answered {StatusCode} ({Cause}): {Message}")]
    private partial void Rejected(string uid, AdmissionEndpoint endpoint, int statusCode, RefusalCause cause, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} bad requests were not logged since {Since:o} (at most 10 logged per 10 s)")]
    private partial void Suppressed(long count, DateTimeOffset since);
}
