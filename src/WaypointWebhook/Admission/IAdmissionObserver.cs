namespace WaypointWebhook.Admission;

/// <summary>
/// Told of every answered admission, after the answer is written: how the host logs and counts them,
/// without the admission endpoints knowing about logs or metrics.
/// </summary>
public interface IAdmissionObserver
{
    void Record(AdmissionEndpoint endpoint, AdmissionOutcome outcome, TimeSpan elapsed);
}
