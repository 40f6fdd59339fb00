using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Policy.Rules;

/// <summary>
/// What istiod does about a failed binding, as messages say it (spec section 4): it writes the condition
/// <c>istio.io/WaypointBound=False</c> on a Service, ServiceEntry or WorkloadEntry and sends the traffic without
/// the waypoint; a Pod (and so a pod template) gets no condition at all.
/// </summary>
internal static class Istiod
{
    public static string Outcome(EnrollingSubject subject, string reason) => subject.Kind switch
    {
        SubjectKind.Service or SubjectKind.ServiceEntry or SubjectKind.WorkloadEntry =>
            $"istiod writes istio.io/WaypointBound=False (reason {reason}) on it and sends its traffic without the waypoint.",
        SubjectKind.WorkloadGroup =>
            $"istiod writes istio.io/WaypointBound=False (reason {reason}) on each WorkloadEntry it registers from it and sends their traffic without the waypoint.",
        SubjectKind.Namespace =>
            "istiod binds none of the namespace's objects that inherit it and reports nothing on the Namespace.",
        _ => "istiod sends its traffic without the waypoint and reports it nowhere (a Pod gets no status condition).",
    };
}
