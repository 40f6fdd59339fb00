using WaypointWebhook.Admission;

namespace WaypointWebhook.Hosting;

/// <summary>
/// One structured event per admission: denied and warned at Information (uid, kind, object, operation,
/// reason codes), allowed at Debug, bad requests at Warning. Never the object body.
/// </summary>
public sealed class AdmissionLog(ILogger<AdmissionLog> logger)
{
    public void Record(AdmissionEndpoint endpoint, AdmissionOutcome outcome, TimeSpan elapsed)
    {
        switch (outcome)
        {
            case Answered answered when answered.Denials.Count > 0 || answered.Warnings.Count > 0:
                logger.LogInformation(
                    "Admission {Uid} {Verdict} {Kind} {Namespace}/{Name} {Operation} reasons={Reasons} dryRun={DryRun} endpoint={Endpoint} in {ElapsedMs:F2} ms",
                    answered.Uid,
                    answered.Verdict,
                    answered.Kind,
                    answered.Namespace,
                    answered.Name,
                    answered.Operation,
                    answered.Denials.Concat(answered.Warnings).Select(f => f.Reason).Distinct().ToArray(),
                    answered.DryRun,
                    endpoint,
                    elapsed.TotalMilliseconds);
                break;
            case Answered answered when logger.IsEnabled(LogLevel.Debug):
                logger.LogDebug(
                    "Admission {Uid} {Verdict} {Kind} {Namespace}/{Name} {Operation} patched={Patched} evaluated={Evaluated} endpoint={Endpoint} in {ElapsedMs:F2} ms",
                    answered.Uid,
                    answered.Verdict,
                    answered.Kind,
                    answered.Namespace,
                    answered.Name,
                    answered.Operation,
                    answered.Patched,
                    answered.Evaluated,
                    endpoint,
                    elapsed.TotalMilliseconds);
                break;
            case BadRequest bad:
                logger.LogWarning("Rejected a request to {Endpoint} with {StatusCode} ({Cause}): {Message}", endpoint, bad.StatusCode, bad.Cause, bad.Message);
                break;
        }
    }
}
