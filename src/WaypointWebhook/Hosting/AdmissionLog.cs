using WaypointWebhook.Admission;

namespace WaypointWebhook.Hosting;

/// <summary>
/// One structured event per admission, each with the AdmissionReview uid ("-" when the body had none):
/// denied and warned at Information (kind, object, operation, reason codes), allowed at Debug, bad
/// requests at Warning. Never the object body.
/// </summary>
public sealed partial class AdmissionLog(ILogger<AdmissionLog> logger)
{
    public void Record(AdmissionEndpoint endpoint, AdmissionOutcome outcome, TimeSpan elapsed)
    {
        switch (outcome)
        {
            case Answered answered when answered.Denials.Count > 0 || answered.Warnings.Count > 0:
                Judged(answered.Uid, answered.Verdict, answered.Kind, answered.Namespace, answered.Name, answered.Operation, Reasons(answered), answered.DryRun, endpoint, elapsed.TotalMilliseconds);
                break;
            case Answered answered:
                Allowed(answered.Uid, answered.Verdict, answered.Kind, answered.Namespace, answered.Name, answered.Operation, answered.Patched, answered.Evaluated, endpoint, elapsed.TotalMilliseconds);
                break;
            case BadRequest bad:
                Rejected(bad.Uid ?? "-", endpoint, bad.StatusCode, bad.Cause, bad.Message);
                break;
        }
    }

    /// <summary>The distinct reason codes, comma-separated: one string property, cheap to log and to query.</summary>
    private static string Reasons(Answered answered)
    {
        if (answered.Warnings.Count == 0 && answered.Denials.Count == 1)
        {
            return answered.Denials[0].Reason;
        }

        return string.Join(',', answered.Denials.Concat(answered.Warnings).Select(f => f.Reason).Distinct());
    }

    // Source-generated: no template parsing and no argument array per event.
    [LoggerMessage(Level = LogLevel.Information, Message = "Admission {Uid} {Verdict} {Kind} {Namespace}/{Name} {Operation} reasons={Reasons} dryRun={DryRun} endpoint={Endpoint} in {ElapsedMs:F2} ms")]
    private partial void Judged(string uid, string verdict, string kind, string? @namespace, string? name, string operation, string reasons, bool dryRun, AdmissionEndpoint endpoint, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Admission {Uid} {Verdict} {Kind} {Namespace}/{Name} {Operation} patched={Patched} evaluated={Evaluated} endpoint={Endpoint} in {ElapsedMs:F2} ms")]
    private partial void Allowed(string uid, string verdict, string kind, string? @namespace, string? name, string operation, bool patched, bool evaluated, AdmissionEndpoint endpoint, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Admission {Uid} rejected: request to {Endpoint} answered {StatusCode} ({Cause}): {Message}")]
    private partial void Rejected(string uid, AdmissionEndpoint endpoint, int statusCode, BadRequestCause cause, string message);
}
