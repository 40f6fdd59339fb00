namespace WaypointWebhook.Cluster.Live;

/// <summary>
/// Capped exponential backoff with equal jitter (each wait is half its ceiling plus a random half): after
/// an API server outage, many webhook replicas (and every other controller) must not reconnect in
/// lockstep, and none retries at once.
/// </summary>
public sealed class Backoff(TimeSpan initial, TimeSpan cap)
{
    private int failures;

    public TimeSpan Next()
    {
        var ceiling = Math.Min(cap.TotalMilliseconds, initial.TotalMilliseconds * Math.Pow(2, Math.Min(failures, 30)));
        failures++;
        return TimeSpan.FromMilliseconds(ceiling / 2 + Random.Shared.NextDouble() * ceiling / 2);
    }

    public void Reset() => failures = 0;
}
