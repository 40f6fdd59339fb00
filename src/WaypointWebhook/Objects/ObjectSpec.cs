namespace WaypointWebhook.Objects;

/// <summary>The spec fields of every handled kind, by the name each kind gives them.</summary>
public sealed class ObjectSpec
{
    /// <summary>Service: <c>ExternalName</c> is exempt.</summary>
    public string? Type { get; set; }

    /// <summary>Gateway.</summary>
    public string? GatewayClassName { get; set; }

    /// <summary>Gateway.</summary>
    public List<Listener>? Listeners { get; set; }

    /// <summary>GatewayClass.</summary>
    public string? ControllerName { get; set; }

    /// <summary>WorkloadEntry: merged under metadata.labels.</summary>
    public Dictionary<string, string?>? Labels { get; set; }

    /// <summary>ServiceEntry: each endpoint enrolls on its own.</summary>
    public List<Endpoint>? Endpoints { get; set; }

    /// <summary>Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job.</summary>
    public PodTemplate? Template { get; set; }

    /// <summary>CronJob: <c>spec.jobTemplate.spec.template</c>.</summary>
    public JobTemplate? JobTemplate { get; set; }

    /// <summary>ServiceEntry: a wildcard host needs a waypoint (W13).</summary>
    public List<string?>? Hosts { get; set; }

    /// <summary>Gateway: <c>spec.infrastructure.labels</c> go onto its pods (a sandwich waypoint).</summary>
    public LabelsOnly? Infrastructure { get; set; }

    /// <summary>WorkloadGroup: <c>spec.metadata.labels</c>, the labels its WorkloadEntries get.</summary>
    public LabelsOnly? Metadata { get; set; }
}
