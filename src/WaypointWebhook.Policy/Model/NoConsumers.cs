namespace WaypointWebhook.Policy.Model;

/// <summary>An index with nothing in it: a view that keeps no consumers (an admission's confirmation overlay delegates instead).</summary>
public sealed class NoConsumers : IConsumerIndex
{
    public static readonly NoConsumers Instance = new();

    private NoConsumers()
    {
    }

    public int Count => 0;

    public IEnumerable<EnrollingSubject> All => [];

    public IEnumerable<EnrollingSubject> Naming(ObjectKey gateway) => [];

    public IEnumerable<EnrollingSubject> In(string @namespace) => [];
}
