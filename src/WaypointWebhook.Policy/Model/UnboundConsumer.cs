namespace WaypointWebhook.Policy.Model;

/// <summary>
/// A consumer (an object that names a waypoint) that istiod does not bind to it now: what the audit lists
/// at <c>GET /unbound</c>, counts in the gauge and <c>analyze</c> reports (spec section 7).
/// </summary>
/// <param name="Reason">The reason code of the finding that unbinds it (<c>UnsupportedTrafficType</c>...).</param>
/// <param name="Rule">The rule id of that finding (W7...), as the admission would report it.</param>
/// <param name="Message">That finding's message, naming the object, as an admission of the object would show it.</param>
public sealed record UnboundConsumer(ObjectRef Object, SubjectKind Kind, string Reason, string Rule, string Message);
