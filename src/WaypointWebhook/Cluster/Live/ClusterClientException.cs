namespace WaypointWebhook.Cluster.Live;

/// <summary>The Kubernetes client cannot be configured (a kubeconfig that cannot be read or used); the message says why.</summary>
public sealed class ClusterClientException(string message, Exception inner) : Exception(message, inner);
