using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Admission;

public enum AdmissionEndpoint
{
    Validate,
    Mutate,
}

/// <summary>Why a request is not a usable AdmissionReview; each maps to an HTTP status.</summary>
public enum BadRequestCause
{
    MalformedJson,
    NotAdmissionReview,
    MissingRequest,
    MissingUid,
    InvalidOperation,
    InvalidObject,
    UnsupportedMediaType,
    BodyTooLarge,
    EmptyBody,
    NotReady,

    /// <summary>The request's body does not fit in the process's budget of body bytes in flight (429).</summary>
    OverBudget,

    /// <summary>The body did not arrive within the request body timeout (408).</summary>
    BodyTimeout,

    /// <summary>A uid too long to be an AdmissionReview uid: echoing it would unbound the answer.</summary>
    InvalidUid,
}

/// <summary>The outcome of one admission call: an answer for the API server, or a bad request.</summary>
public abstract record AdmissionOutcome;

/// <summary>A plain-text error; never a 500, since nothing a client sends is our failure.</summary>
/// <param name="Uid">The review's uid when it could be read, for the log line.</param>
public sealed record BadRequest(int StatusCode, BadRequestCause Cause, string Message, string? Uid = null) : AdmissionOutcome;

/// <summary>An AdmissionReview answer, with what logs and metrics need.</summary>
/// <param name="Evaluated">False for what the webhook allows without reading (unknown kinds, DELETE, CONNECT).</param>
public sealed record Answered(
    RequestIdentity Request,
    AdmissionReviewResponse Review,
    IReadOnlyList<Finding> Denials,
    IReadOnlyList<Finding> Warnings,
    bool Evaluated) : AdmissionOutcome
{
    public string Verdict => Denials.Count > 0 ? "denied" : Warnings.Count > 0 ? "warned" : "allowed";

    public bool Patched => Review.Response.Patch is not null;
}
