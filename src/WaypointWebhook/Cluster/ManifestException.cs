namespace WaypointWebhook.Cluster;

/// <summary>A manifest that cannot be read; the message names the file and document.</summary>
public sealed class ManifestException(string message, Exception? inner = null) : Exception(message, inner);
