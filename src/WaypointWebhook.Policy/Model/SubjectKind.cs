namespace WaypointWebhook.Policy.Model;

/// <summary>What the object is, for the rules: which traffic it sends and which checks apply.</summary>
public enum SubjectKind
{
    Namespace,
    Service,
    ServiceEntry,
    Pod,
    WorkloadEntry,
    PodTemplate,
}
