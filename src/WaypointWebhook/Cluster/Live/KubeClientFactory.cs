using k8s;

namespace WaypointWebhook.Cluster.Live;

public static class KubeClientFactory
{
    /// <summary>
    /// The client configuration: <paramref name="kubeconfig"/> when given, else KubernetesClient's default
    /// order (<c>KUBECONFIG</c>, <c>~/.kube/config</c>, then the in-cluster service account).
    /// </summary>
    public static IKubernetes Create(string? kubeconfig)
    {
        try
        {
            var configuration = kubeconfig is { Length: > 0 }
                ? KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig)
                : KubernetesClientConfiguration.BuildDefaultConfig();
            return new Kubernetes(configuration);
        }
        catch (Exception e) when (e is k8s.Exceptions.KubeConfigException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new ClusterClientException($"cannot configure the Kubernetes client{(kubeconfig is null ? string.Empty : $" from {kubeconfig}")}: {e.Message}", e);
        }
    }
}
