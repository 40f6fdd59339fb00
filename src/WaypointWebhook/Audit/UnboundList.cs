namespace WaypointWebhook.Audit;

/// <summary>
/// The document of <c>GET /unbound</c>: the counts of every unbound consumer the filter selects, and the first
/// <see cref="AuditResult.MaxItems"/> of them (a diagnostics answer stays bounded whatever the cluster holds).
/// </summary>
/// <param name="Consumers">How many consumers the pass judged (all of the index, whatever the filter).</param>
/// <param name="Total">How many unbound consumers the filter selects.</param>
/// <param name="Truncated">How many of those are left out of <paramref name="Items"/>.</param>
public sealed record UnboundList(int Consumers, int Total, int Truncated, IReadOnlyList<UnboundCount> Counts, IReadOnlyList<UnboundItem> Items);
