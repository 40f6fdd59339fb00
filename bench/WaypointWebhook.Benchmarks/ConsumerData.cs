using WaypointWebhook.Testing;
using static WaypointWebhook.Testing.FakeObjects;
using static WaypointWebhook.Testing.FakeWorkloads;

namespace WaypointWebhook.Benchmarks;

/// <summary>
/// The consumer index's cluster for the fake API server: the namespaces and waypoints of <see cref="BenchData"/>,
/// and Pods and Services naming those waypoints, stored as the API server stores them.
/// </summary>
public static class ConsumerData
{
    public const int Pods = 100_000;
    public const int Services = 10_000;

    /// <summary>Pod <paramref name="i"/>'s name: 50 Deployments' Pods in each namespace with a waypoint.</summary>
    public static string PodName(int i, int gateways) => $"app{i / gateways % 50}-5b8c9d7f4-{i:x5}";

    /// <summary>The GatewayClass, <paramref name="namespaces"/> ambient namespaces and <paramref name="gateways"/> waypoints.</summary>
    public static void ApplyClusterState(FakeApiServer api, int namespaces, int gateways)
    {
        api.Apply(GatewayClasses, GatewayClass("istio-waypoint", "istio.io/mesh-controller"));
        for (var i = 0; i < namespaces; i++)
        {
            api.Apply(FakeObjects.Namespaces, Namespace(BenchData.Namespace(i), ("istio.io/dataplane-mode", "ambient"), ("team", $"t{i % 50}")));
        }

        for (var i = 0; i < gateways; i++)
        {
            api.Apply(FakeObjects.Gateways, Gateway(BenchData.Namespace(i), "waypoint", i % 2 == 0 ? "service" : "all"));
        }
    }

    /// <summary>
    /// <paramref name="pods"/> Pods spread over the namespaces that have a waypoint (50 Deployments' worth
    /// each), naming it with <c>use-waypoint</c>, one in ten also a canary; <paramref name="services"/>
    /// Services, one per namespace, naming the waypoint of a namespace that has one.
    /// </summary>
    public static void ApplyConsumers(FakeApiServer api, int pods, int services, int gateways)
    {
        for (var i = 0; i < pods; i++)
        {
            var ns = BenchData.Namespace(i % gateways);
            var name = PodName(i, gateways);
            api.Apply(FakeWorkloads.Pods, i % 10 == 0
                ? Pod(ns, name, ("istio.io/use-waypoint", "waypoint"), ("istio.io/use-waypoint-canary", "waypoint"))
                : Pod(ns, name, ("istio.io/use-waypoint", "waypoint")));
        }

        for (var i = 0; i < services; i++)
        {
            api.Apply(FakeWorkloads.Services, Service(BenchData.Namespace(i), $"svc-{i:D5}", labels: [("istio.io/use-waypoint", "waypoint"), ("istio.io/use-waypoint-namespace", BenchData.Namespace(i % gateways))]));
        }
    }
}
