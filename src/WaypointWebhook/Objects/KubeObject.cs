using System.Text.Json.Serialization;

namespace WaypointWebhook.Objects;

/// <summary>
/// The lean shape of every object the rules read: one union of the few fields each kind needs. A Pod's
/// containers, a Deployment's pod spec, managedFields and every other field are skipped by the reader,
/// never materialized.
/// </summary>
public sealed class KubeObject
{
    public string? ApiVersion { get; set; }

    public string? Kind { get; set; }

    public ObjectMeta? Metadata { get; set; }

    public ObjectSpec? Spec { get; set; }

    public ObjectStatus? Status { get; set; }

    /// <summary>The items of a <c>kind: List</c> (manifest files and list responses).</summary>
    public List<KubeObject>? Items { get; set; }
}

public sealed class ObjectMeta
{
    public string? Name { get; set; }

    public string? GenerateName { get; set; }

    public string? Namespace { get; set; }

    /// <summary>Read from watch events (bookmarks carry only this) to resume a watch where it stopped.</summary>
    public string? ResourceVersion { get; set; }

    public Dictionary<string, string?>? Labels { get; set; }

    /// <summary>
    /// Only the annotations the rules read are kept: other annotations (a 3 KB last-applied-configuration,
    /// say) are skipped without allocating.
    /// </summary>
    [JsonConverter(typeof(AnnotationsConverter))]
    public KeptAnnotations? Annotations { get; set; }

    /// <summary><c>ambient.istio.io/waypoint-inbound-binding</c>, null when absent.</summary>
    [JsonIgnore]
    public string? InboundBinding => Annotations?.InboundBinding;

    /// <summary>Only <c>controller</c> is read: an owner that is a controller made this object (spec section 2).</summary>
    public List<OwnerReference?>? OwnerReferences { get; set; }
}


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


public sealed class ObjectStatus
{
    /// <summary>Gateway: programmed once it has addresses.</summary>
    public List<GatewayStatusAddress>? Addresses { get; set; }
}

public sealed class GatewayStatusAddress
{
    public string? Type { get; set; }

    public string? Value { get; set; }
}

public sealed class Listener
{
    public string? Name { get; set; }

    public int Port { get; set; }

    public string? Protocol { get; set; }

    public AllowedRoutes? AllowedRoutes { get; set; }
}

public sealed class AllowedRoutes
{
    public RouteNamespacesSpec? Namespaces { get; set; }
}

public sealed class RouteNamespacesSpec
{
    public string? From { get; set; }

    public LabelSelectorSpec? Selector { get; set; }
}

public sealed class LabelSelectorSpec
{
    public Dictionary<string, string?>? MatchLabels { get; set; }

    public List<LabelSelectorRequirementSpec>? MatchExpressions { get; set; }
}

public sealed class LabelSelectorRequirementSpec
{
    public string? Key { get; set; }

    public string? Operator { get; set; }

    public List<string?>? Values { get; set; }
}

public sealed class Endpoint
{
    /// <summary>On UPDATE, endpoints are paired with the old object's by address (istiod's key).</summary>
    public string? Address { get; set; }

    public Dictionary<string, string?>? Labels { get; set; }
}

public sealed class PodTemplate
{
    public ObjectMeta? Metadata { get; set; }

    /// <summary>WorkloadGroup: <c>spec.template.labels</c>, under <c>spec.metadata.labels</c>.</summary>
    public Dictionary<string, string?>? Labels { get; set; }
}

public sealed class JobTemplate
{
    public ObjectSpec? Spec { get; set; }
}
