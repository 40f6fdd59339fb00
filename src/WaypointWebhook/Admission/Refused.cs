namespace WaypointWebhook.Admission;

/// <summary>
/// A refusal to answer with an AdmissionReview: a plain-text HTTP error (400 not an AdmissionReview, 408 body
/// too slow, 413 too large, 415 not JSON, 429 over the body budget, 503 not ready). Never a 500: nothing a
/// client sends is our failure.
/// </summary>
/// <param name="Uid">The review's uid when it could be read, for the log line.</param>
public sealed record Refused(int StatusCode, RefusalCause Cause, string Message, string? Uid = null) : AdmissionOutcome;
