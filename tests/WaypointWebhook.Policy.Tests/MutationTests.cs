using WaypointWebhook.Policy.Configuration;
using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Policy.Tests;

/// <summary>Section 6: the default traffic type on waypoint Gateways.</summary>
public sealed class MutationTests
{
    private static string? Default(GatewayInfo gateway, TestCluster cluster, Operation operation = Operation.Create) =>
        PolicyAssertions.Policy.DefaultTrafficType(operation, new GatewaySubject(gateway), cluster);

    [Theory]
    [InlineData(Operation.Create)]
    [InlineData(Operation.Update)]
    public void Waypoint_without_label_gets_service(Operation operation)
    {
        Assert.Equal("service", Default(TestCluster.MakeGateway("default", "w"), TestCluster.WithIstioClasses(), operation));
    }

    [Fact]
    public void Waypoint_with_its_own_label_is_left_alone()
    {
        Assert.Null(Default(TestCluster.MakeGateway("default", "w", waypointFor: "workload"), TestCluster.WithIstioClasses()));
        Assert.Null(Default(TestCluster.MakeGateway("default", "w", waypointFor: "Bogus"), TestCluster.WithIstioClasses()));
    }

    [Fact]
    public void Class_label_is_inherited_not_overridden()
    {
        var cluster = new TestCluster().Class("istio-waypoint", "istio.io/mesh-controller", new Dictionary<string, string> { ["istio.io/waypoint-for"] = "all" });

        Assert.Null(Default(TestCluster.MakeGateway("default", "w"), cluster));
    }

    [Fact]
    public void Waypoint_class_name_without_class_object_is_defaulted()
    {
        Assert.Equal("service", Default(TestCluster.MakeGateway("default", "w"), new TestCluster()));
    }

    [Fact]
    public void Other_gateways_are_never_touched()
    {
        Assert.Null(Default(TestCluster.MakeGateway("default", "ingress", className: "istio"), TestCluster.WithIstioClasses()));
        Assert.Null(Default(TestCluster.MakeGateway("default", "x", className: "unknown"), TestCluster.WithIstioClasses()));
    }

    [Fact]
    public void Delete_and_excluded_namespaces_are_not_patched()
    {
        Assert.Null(Default(TestCluster.MakeGateway("default", "w"), TestCluster.WithIstioClasses(), Operation.Delete));
        Assert.Null(Default(TestCluster.MakeGateway("kube-system", "w"), TestCluster.WithIstioClasses()));
    }

    [Fact]
    public void Sandwich_waypoints_are_not_defaulted()
    {
        // Section 6: only waypoints by their class; an ingress Gateway labelled ambient keeps its labels.
        var sandwich = TestCluster.MakeGateway("default", "i", className: "istio", labels: new() { ["istio.io/dataplane-mode"] = "ambient" });

        Assert.Null(Default(sandwich, TestCluster.WithIstioClasses()));
    }

    [Fact]
    public void The_setting_turns_the_mutation_off()
    {
        var policy = new WaypointPolicy(new PolicyOptions { MutationEnabled = false });

        Assert.Null(policy.DefaultTrafficType(Operation.Create, new GatewaySubject(TestCluster.MakeGateway("default", "w")), TestCluster.WithIstioClasses()));
    }
}
