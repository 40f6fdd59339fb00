namespace WaypointWebhook.Policy.Model;

/// <summary>
/// A consumer (an object that names a waypoint) that istiod does not bind to it now: what the audit lists
/// at <c>GET /unbound</c>, counts in the gauge and <c>analyze</c> reports (spec section 7).
/// </summary>
/// <param name="Reason">The reason code of the finding that unbinds it (<c>UnsupportedTrafficType</c>...).</param>
/// <param name="Rule">The rule id of that finding (W7...), as the admission would report it.</param>
/// <param name="Message">That finding's message, naming the object, as an admission of the object would show it.</param>
public sealed record UnboundConsumer(ObjectRef Object, SubjectKind Kind, string Reason, string Rule, string Message)
{
    private readonly Func<string>? compose;
    private string? message = Message;

    /// <summary>
    /// An entry whose message is written when first read: an audit pass over 100,000 unbound Pods need not write
    /// 100,000 messages that only <c>GET /unbound</c> shows. The text is the same whenever it is written (the
    /// policy is pure); two threads that read it at once may both write it.
    /// </summary>
    internal UnboundConsumer(ObjectRef @object, SubjectKind kind, string reason, string rule, Func<string> compose)
        : this(@object, kind, reason, rule, string.Empty)
    {
        this.compose = compose;
        message = null;
    }

    public string Message
    {
        get => message ??= compose?.Invoke() ?? string.Empty;
        init => message = value;
    }

    /// <summary>Equal when what they say is equal, however the message came to be written.</summary>
    public bool Equals(UnboundConsumer? other) =>
        other is not null
        && Object == other.Object
        && Kind == other.Kind
        && Reason == other.Reason
        && Rule == other.Rule
        && Message == other.Message;

    public override int GetHashCode() => HashCode.Combine(Object, Kind, Reason, Rule);
}
