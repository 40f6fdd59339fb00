namespace WaypointWebhook.Policy;

/// <summary>How istiod treats a consumer in one view of the cluster: exempt (never bound, never judged), bound, or not bound and why.</summary>
internal readonly record struct ConsumerState(bool Exempt, Unbinding? Unbinding)
{
    public static readonly ConsumerState ExemptState = new(true, null);

    public bool Bound => !Exempt && Unbinding is null;
}
