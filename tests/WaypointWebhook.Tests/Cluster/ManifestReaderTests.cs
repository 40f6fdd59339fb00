using WaypointWebhook.Cluster;
using WaypointWebhook.Objects;

namespace WaypointWebhook.Tests.Cluster;

public sealed class ManifestReaderTests
{
    [Fact]
    public void Yaml_scalars_follow_the_core_schema()
    {
        var manifests = ManifestReader.ReadText("""
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata:
              name: w
              namespace: infra
              labels: {version: "1.0", enabled: "true"}
              annotations:
                ambient.istio.io/waypoint-inbound-binding: PROXY
                other: "{nested: [1, 2]}"
            spec:
              gatewayClassName: istio-waypoint
              listeners:
              - {name: mesh, port: 15008, protocol: HBONE, allowedRoutes: {namespaces: {from: All}}}
            status:
              addresses: []
            """, "test");

        var gateway = SubjectReader.ToGateway(Assert.Single(manifests).Object, "default");

        Assert.Equal("1.0", gateway.Labels["version"]);
        Assert.Equal("true", gateway.Labels["enabled"]);
        Assert.Equal("PROXY", gateway.InboundBinding);
        Assert.Equal(15008, gateway.Listeners[0].Port);
        Assert.Equal("All", gateway.Listeners[0].Namespaces!.From);
        Assert.False(gateway.HasAddresses);
    }

    [Fact]
    public void Unknown_kinds_and_empty_documents_are_skipped()
    {
        var manifests = ManifestReader.ReadText("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: c}
            data: {a: b}
            ---
            ---
            apiVersion: v1
            kind: Namespace
            metadata: {name: n}
            """, "test");

        Assert.Equal("Namespace", Assert.Single(manifests).Kind.Kind);
    }

    [Fact]
    public void Directories_are_read_recursively_in_order()
    {
        var manifests = ManifestReader.Read([Reviews.ExampleCluster]);

        Assert.Equal(8, manifests.Count);
        var snapshot = ClusterSnapshot.From(manifests);
        Assert.Equal(3, snapshot.Gateways.Count);
        Assert.Equal(2, snapshot.GatewayClasses.Count);
        Assert.Equal(3, snapshot.Namespaces.Count);
        Assert.Equal("istio.io/mesh-controller", snapshot.GetGatewayClass("istio-waypoint")!.ControllerName);
        Assert.True(snapshot.GetGateway("infra", "egress")!.HasAddresses);
    }

    [Fact]
    public void Gateway_without_namespace_takes_the_default()
    {
        var manifests = ManifestReader.ReadText("apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: w}\nspec: {gatewayClassName: istio-waypoint}\n", "t");

        Assert.NotNull(ClusterSnapshot.From(manifests, "team").GetGateway("team", "w"));
    }

    [Fact]
    public void Anchors_and_aliases_are_expanded_and_an_unknown_alias_is_an_error()
    {
        var manifests = ManifestReader.ReadText("""
            apiVersion: v1
            kind: List
            items:
            - apiVersion: v1
              kind: Namespace
              metadata: {name: a, labels: &shared {team: "1", tier: web}}
            - apiVersion: v1
              kind: Namespace
              metadata: {name: b, labels: *shared}
            """, "anchors");

        Assert.Equal(["a team=1,tier=web", "b team=1,tier=web"], manifests.Select(m => $"{m.Object.Metadata!.Name} {string.Join(',', m.Object.Metadata.Labels!.Select(l => $"{l.Key}={l.Value}"))}"));
        var error = Assert.Throws<ManifestException>(() => ManifestReader.ReadText("a: *nowhere\n", "bad-alias"));
        Assert.StartsWith("bad-alias: invalid YAML at line 1", error.Message);
    }
}
