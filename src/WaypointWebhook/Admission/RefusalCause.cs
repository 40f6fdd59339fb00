namespace WaypointWebhook.Admission;

/// <summary>Why a request is not a usable AdmissionReview; each maps to an HTTP status.</summary>
public enum RefusalCause
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

    /// <summary>The body could not be read as HTTP (a broken chunked encoding, a connection error).</summary>
    UnreadableBody,

    /// <summary>The client went away mid-request; counted apart so that it never reads as malformed input.</summary>
    ClientGone,
}
