namespace WaypointWebhook.Admission;

/// <summary>A plain-text error; never a 500, since nothing a client sends is our failure.</summary>
/// <param name="Uid">The review's uid when it could be read, for the log line.</param>
public sealed record BadRequest(int StatusCode, BadRequestCause Cause, string Message, string? Uid = null) : AdmissionOutcome;
