namespace WaypointWebhook.Objects;

/// <summary>One <c>metadata.ownerReferences</c> entry; only <c>controller</c> is read.</summary>
public sealed class OwnerReference
{
    public bool? Controller { get; set; }
}
