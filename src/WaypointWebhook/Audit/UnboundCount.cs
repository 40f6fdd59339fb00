namespace WaypointWebhook.Audit;

/// <summary>How many consumers of one kind are unbound for one reason: a series of the unbound gauge.</summary>
public sealed record UnboundCount(string Kind, string Reason, long Count);
