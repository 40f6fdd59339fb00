namespace WaypointWebhook.Tests.Live;

/// <summary>
/// Tests that fill the process with a large cluster (100,000 stored Pods, about a gigabyte while they run):
/// alone, after the parallel tests, so the tests that watch the managed heap do not see their allocations.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LargeClusterCollection
{
    public const string Name = "alone with a large cluster";
}
