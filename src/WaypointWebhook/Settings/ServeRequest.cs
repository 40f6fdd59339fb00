namespace WaypointWebhook.Settings;

/// <summary>
/// Everything <c>serve</c> was asked for, read and checked by the command line: what the host starts from.
/// </summary>
/// <param name="ClusterState">Manifests to serve the cluster view from; empty for the live cluster.</param>
/// <param name="Kubeconfig">The live cluster's kubeconfig, or null for KubernetesClient's default order.</param>
/// <param name="Configuration">The configuration the settings were read from, for the host's own sections.</param>
public sealed record ServeRequest(WebhookSettings Settings, ServeOptions Serve, IReadOnlyList<string> ClusterState, string? Kubeconfig, IConfiguration Configuration);
