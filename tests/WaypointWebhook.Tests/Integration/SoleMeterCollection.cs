namespace WaypointWebhook.Tests.Integration;

/// <summary>
/// Tests that read the <c>waypoint_webhook</c> meter's instruments with a MetricCollector: the collector follows
/// one instrument of that name, and every running server has one, so these run alone, after the parallel
/// tests (whose servers are disposed by then, and their meters with them).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SoleMeterCollection
{
    public const string Name = "alone with the waypoint_webhook meter";
}
