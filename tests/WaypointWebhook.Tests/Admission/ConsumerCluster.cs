using System.Text.Json.Nodes;
using WaypointWebhook.Cluster;

namespace WaypointWebhook.Tests.Admission;

/// <summary>
/// A cluster state with consumers, as <c>--cluster-state</c> files give it: three Pods and a Service on
/// <c>default/waypoint</c> (WF=all), two Pods on <c>default/classy</c> (no WF of its own: it inherits WF=all from
/// GatewayClass <c>istio-waypoint</c>), one Pod of namespace <c>app</c> on <c>infra/shared</c>, whose listener admits namespaces
/// labelled <c>team=a</c> (app is). Every consumer is bound. <c>default/stamped</c> has no consumers; its
/// <c>istio.io/waypoint-for: service</c> is the mutation's stamp (the <c>waypoint.istio.io/defaulted</c> annotation).
/// </summary>
public static class ConsumerCluster
{
    public const string Yaml = """
        apiVersion: gateway.networking.k8s.io/v1
        kind: GatewayClass
        metadata: {name: istio-waypoint, labels: {istio.io/waypoint-for: all}}
        spec: {controllerName: istio.io/mesh-controller}
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: default, labels: {kubernetes.io/metadata.name: default, istio.io/dataplane-mode: ambient}}
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: app, labels: {kubernetes.io/metadata.name: app, istio.io/dataplane-mode: ambient, team: a}}
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: infra, labels: {kubernetes.io/metadata.name: infra, istio.io/dataplane-mode: ambient}}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: waypoint, namespace: default, labels: {istio.io/waypoint-for: all}}
        spec:
          gatewayClassName: istio-waypoint
          listeners: [{name: mesh, port: 15008, protocol: HBONE}]
        status: {addresses: [{type: IPAddress, value: 10.96.0.20}]}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: classy, namespace: default}
        spec:
          gatewayClassName: istio-waypoint
          listeners: [{name: mesh, port: 15008, protocol: HBONE}]
        status: {addresses: [{type: IPAddress, value: 10.96.0.21}]}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata:
          name: stamped
          namespace: default
          labels: {istio.io/waypoint-for: service}
          annotations: {waypoint.istio.io/defaulted: istio.io/waypoint-for}
        spec:
          gatewayClassName: istio-waypoint
          listeners: [{name: mesh, port: 15008, protocol: HBONE}]
        status: {addresses: [{type: IPAddress, value: 10.96.0.23}]}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: shared, namespace: infra, labels: {istio.io/waypoint-for: all}}
        spec:
          gatewayClassName: istio-waypoint
          listeners:
          - name: mesh
            port: 15008
            protocol: HBONE
            allowedRoutes: {namespaces: {from: Selector, selector: {matchLabels: {team: a}}}}
        status: {addresses: [{type: IPAddress, value: 10.96.0.22}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: reviews-v1, namespace: default, labels: {istio.io/use-waypoint: waypoint}}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: reviews-v2, namespace: default, labels: {istio.io/use-waypoint: waypoint}}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: ratings, namespace: default, labels: {istio.io/use-waypoint: waypoint}}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: reviews, namespace: default, labels: {istio.io/use-waypoint: waypoint}}
        spec: {type: ClusterIP}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: c1, namespace: default, labels: {istio.io/use-waypoint: classy}}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: c2, namespace: default, labels: {istio.io/use-waypoint: classy}}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: a1, namespace: app, labels: {istio.io/use-waypoint: shared, istio.io/use-waypoint-namespace: infra}}
        """;

    /// <summary>The cluster after <c>default/waypoint</c> was narrowed to <c>service</c>: its three Pods are unbound.</summary>
    public static string Narrowed => Yaml.Replace(WaypointMetadata + "all}}", WaypointMetadata + "service}}", StringComparison.Ordinal);

    /// <summary>Narrowed, and namespace <c>app</c> without <c>team=a</c>: its Pod is unbound too.</summary>
    public static string NarrowedAndRelabelled => Narrowed.Replace("istio.io/dataplane-mode: ambient, team: a}", "istio.io/dataplane-mode: ambient}", StringComparison.Ordinal);

    private const string WaypointMetadata = "{name: waypoint, namespace: default, labels: {istio.io/waypoint-for: ";

    /// <summary>The snapshot <c>--cluster-state</c> makes of the YAML (the cluster above by default), consumers indexed.</summary>
    public static ClusterSnapshot Snapshot(string yaml = Yaml) => ClusterSnapshot.From(ManifestReader.ReadText(yaml, "consumer-cluster"));

    public static ManifestClusterViewSource Source(string yaml = Yaml) => new(Snapshot(yaml), ["consumer-cluster"]);

    /// <summary>Gateway <c>default/waypoint</c> as in the cluster, with <paramref name="waypointFor"/> as its WF label.</summary>
    public static JsonObject Waypoint(string waypointFor = "all") => new()
    {
        ["apiVersion"] = "gateway.networking.k8s.io/v1",
        ["kind"] = "Gateway",
        ["metadata"] = new JsonObject { ["name"] = "waypoint", ["namespace"] = "default", ["labels"] = new JsonObject { ["istio.io/waypoint-for"] = waypointFor } },
        ["spec"] = new JsonObject
        {
            ["gatewayClassName"] = "istio-waypoint",
            ["listeners"] = new JsonArray(new JsonObject { ["name"] = "mesh", ["port"] = 15008, ["protocol"] = "HBONE" }),
        },
        ["status"] = new JsonObject { ["addresses"] = new JsonArray(new JsonObject { ["type"] = "IPAddress", ["value"] = "10.96.0.20" }) },
    };

    /// <summary>GatewayClass <c>istio-waypoint</c>, with <paramref name="waypointFor"/> as its WF label (null: none).</summary>
    public static JsonObject WaypointClass(string? waypointFor = "all") => new()
    {
        ["apiVersion"] = "gateway.networking.k8s.io/v1",
        ["kind"] = "GatewayClass",
        ["metadata"] = waypointFor is null
            ? new JsonObject { ["name"] = "istio-waypoint" }
            : new JsonObject { ["name"] = "istio-waypoint", ["labels"] = new JsonObject { ["istio.io/waypoint-for"] = waypointFor } },
        ["spec"] = new JsonObject { ["controllerName"] = "istio.io/mesh-controller" },
    };

    /// <summary>Namespace <c>app</c> with its labels, without <c>team=a</c> when <paramref name="team"/> is false.</summary>
    public static JsonObject App(bool team = true)
    {
        var labels = new JsonObject { ["kubernetes.io/metadata.name"] = "app", ["istio.io/dataplane-mode"] = "ambient" };
        if (team)
        {
            labels["team"] = "a";
        }

        return new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = "app", ["labels"] = labels } };
    }
}
