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

    /// <summary>
    /// The body could not be read as HTTP: a broken chunked encoding, or a body cut short (a client that
    /// reset the connection mid-body arrives as this: Kestrel reports the missing bytes first).
    /// </summary>
    UnreadableBody,

    /// <summary>The request was aborted (the client went away) while it was read or judged; never counted as malformed input.</summary>
    ClientGone,
}
