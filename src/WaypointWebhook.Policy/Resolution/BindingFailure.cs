namespace WaypointWebhook.Policy.Resolution;

/// <summary>Why istiod would not bind a reference, as one finding states it.</summary>
/// <param name="Rule">The rule whose condition it is (W1, W5, W6, W7, W8, W14).</param>
/// <param name="Reason">The reason code; for W5, W7, W8 and W14 istiod's own.</param>
/// <param name="Detail">What is wrong, for a message: <c>waypoint infra/w does not exist</c>.</param>
/// <param name="Certain">False for a Gateway of a controller the webhook does not know (it may be a third-party waypoint).</param>
public sealed record BindingFailure(string Rule, string Reason, string Detail, bool Certain = true);
