namespace WaypointWebhook.Cluster;

/// <summary>One YAML document as JSON, with its recorded fields when asked for.</summary>
internal sealed record YamlDocument(byte[] Json, DocumentFields? Fields);
