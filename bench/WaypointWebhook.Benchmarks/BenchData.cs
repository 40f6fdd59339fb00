using System.Text;
using System.Text.Json.Nodes;
using WaypointWebhook.Testing;

namespace WaypointWebhook.Benchmarks;

/// <summary>The generated cluster and the realistic Pod reviews every benchmark uses.</summary>
public static class BenchData
{
    public const int Namespaces = 10_000;
    public const int Gateways = 2_000;

    /// <summary>
    /// Writes the cluster state: the waypoint GatewayClass, <paramref name="namespaces"/> ambient namespaces and
    /// <paramref name="gateways"/> waypoints (every other one service-only, the rest for all traffic).
    /// </summary>
    public static string WriteClusterState(string dir, int namespaces = Namespaces, int gateways = Gateways)
    {
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, "cluster.yaml");
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false));
        writer.Write("apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\nmetadata: {name: istio-waypoint}\nspec: {controllerName: istio.io/mesh-controller}\n");
        for (var i = 0; i < namespaces; i++)
        {
            writer.Write($"---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: {Namespace(i)}\n  labels: {{kubernetes.io/metadata.name: {Namespace(i)}, istio.io/dataplane-mode: ambient, team: t{i % 50}}}\n");
        }

        for (var i = 0; i < gateways; i++)
        {
            writer.Write($"---\napiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata:\n  name: waypoint\n  namespace: {Namespace(i)}\n  labels: {{istio.io/waypoint-for: {(i % 2 == 0 ? "service" : "all")}}}\n");
            writer.Write("spec:\n  gatewayClassName: istio-waypoint\n  listeners:\n  - {name: mesh, port: 15008, protocol: HBONE, allowedRoutes: {namespaces: {from: Same}}}\n");
            writer.Write($"status:\n  addresses: [{{type: IPAddress, value: 10.1.{i / 250}.{i % 250}}}]\n");
        }

        return path;
    }

    public static string Namespace(int i) => $"ns-{i:D5}";

    /// <summary>
    /// The example Pod review, compact (about 3 KB, as the API server sends it), in a namespace whose waypoint
    /// accepts workload traffic (allowed) or only service traffic (denied, W7).
    /// </summary>
    public static byte[] PodReview(bool denied)
    {
        var review = JsonNode.Parse(File.ReadAllText(RepoPaths.ExampleRequest("pod-on-service-waypoint.json")))!;
        var ns = Namespace(denied ? 0 : 1);
        review["request"]!["namespace"] = ns;
        review["request"]!["object"]!["metadata"]!["namespace"] = ns;
        return Encoding.UTF8.GetBytes(review.ToJsonString());
    }
}
