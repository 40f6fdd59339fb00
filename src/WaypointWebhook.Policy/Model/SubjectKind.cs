namespace WaypointWebhook.Policy.Model;

/// <summary>What an object is, for the rules: which traffic it sends and which checks apply.</summary>
public enum SubjectKind
{
    Namespace,
    Service,
    ServiceEntry,
    Pod,
    WorkloadEntry,

    /// <summary>A workload kind judged by its pod template (Deployment, CronJob...).</summary>
    PodTemplate,

    /// <summary>A Gateway under admission: the rules about waypoints themselves (G1..G3).</summary>
    Gateway,
    GatewayClass,

    /// <summary>A WorkloadGroup: judged by the labels its auto-registered WorkloadEntries get.</summary>
    WorkloadGroup,
}
