namespace WaypointWebhook.Cluster.Live;

/// <summary>Timing of the list+watch loop and of confirmations; tests shorten it.</summary>
public sealed record CacheTiming
{
    public int PageSize { get; init; } = 500;

    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Watches are renewed every 5 to 10 minutes (randomized, as client-go does) so a silent stream cannot go stale.</summary>
    public int MinWatchSeconds { get; init; } = 300;

    /// <summary>
    /// The most one admission waits for the API server to confirm what the view lacks (all GETs together):
    /// well inside the API server's webhook timeout, so a slow API server costs a warning, not a failure.
    /// </summary>
    public TimeSpan ConfirmTimeout { get; init; } = TimeSpan.FromSeconds(2);
}
