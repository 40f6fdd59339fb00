namespace WaypointWebhook.Objects;

/// <summary>A list's <c>metadata</c>: where it was read, and where the next page starts.</summary>
public sealed class ListMetadata
{
    public string? ResourceVersion { get; set; }

    public string? Continue { get; set; }
}
