namespace WaypointWebhook.Policy.Model;

/// <summary>
/// The objects that name a waypoint with their own labels (<c>istio.io/use-waypoint</c> or
/// <c>istio.io/use-waypoint-canary</c>): Namespaces, Services, ServiceEntries, Pods and WorkloadEntries, as
/// the policy judges them (spec section 7). The live view keeps it from label-selected watches; a
/// snapshot of files indexes the consumers among its manifests the same way.
/// </summary>
public interface IConsumerIndex
{
    /// <summary>How many consumers the index holds.</summary>
    int Count { get; }

    /// <summary>Every consumer, each once, in no particular order.</summary>
    IEnumerable<EnrollingSubject> All { get; }

    /// <summary>
    /// The consumers whose own labels name this Gateway (<see cref="Resolution.ConsumerTargets.Of"/>): what a
    /// change to it can unbind. Each once, however many of its enrollments name it.
    /// </summary>
    IEnumerable<EnrollingSubject> Naming(ObjectKey gateway);

    /// <summary>The consumers in this namespace (a Namespace is in itself): what a change to its labels can unbind.</summary>
    IEnumerable<EnrollingSubject> In(string @namespace);
}
