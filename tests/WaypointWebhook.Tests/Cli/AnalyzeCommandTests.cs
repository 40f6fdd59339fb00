using System.Text.Json.Nodes;
using static WaypointWebhook.Tests.Reviews;

namespace WaypointWebhook.Tests.Cli;

/// <summary><c>analyze</c> end to end: files in, findings and exit code out.</summary>
public sealed class AnalyzeCommandTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("waypoint-analyze-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static async Task<(int Exit, string Output, string Error)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await Program.Run(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public async Task Broken_examples_exit_1_with_istioctl_style_lines()
    {
        var (exit, output, _) = await Run("analyze", "-f", Path.Combine(RepoRoot, "deploy/examples/manifests/broken.yaml"), "--cluster-state", ExampleCluster);

        Assert.Equal(1, exit);
        var lines = output.TrimEnd().Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("Error [UnsupportedTrafficType] (Pod default/ratings) Pod default/ratings: istio.io/use-waypoint=waypoint", lines[0]);
        Assert.StartsWith("Error [NotAWaypoint] (Service default/reviews) ", lines[1]);
        Assert.StartsWith("Error [InvalidLabelValue] (Deployment default/details) ", lines[2]);
    }

    [Fact]
    public async Task Good_examples_exit_0()
    {
        var (exit, output, error) = await Run("analyze", "-f", Path.Combine(RepoRoot, "deploy/examples/manifests/good.yaml"), "--cluster-state", ExampleCluster);

        Assert.Equal(0, exit);
        Assert.Equal("No validation issues found.\n", output.Replace("\r", string.Empty));
        Assert.Empty(error);
    }

    [Fact]
    public async Task Json_output_has_every_field()
    {
        var (exit, output, _) = await Run("analyze", "-f", Path.Combine(RepoRoot, "deploy/examples/manifests"), "--cluster-state", ExampleCluster, "-o", "json");

        Assert.Equal(1, exit);
        var findings = JsonNode.Parse(output)!["findings"]!.AsArray();
        Assert.Equal(3, findings.Count);
        var first = findings[0]!;
        Assert.Equal("Pod", (string?)first["kind"]);
        Assert.Equal("default", (string?)first["namespace"]);
        Assert.Equal("ratings", (string?)first["name"]);
        Assert.Equal("Error", (string?)first["severity"]);
        Assert.Equal("UnsupportedTrafficType", (string?)first["reason"]);
        Assert.Equal("metadata.labels[istio.io/use-waypoint]", (string?)first["field"]);
        Assert.StartsWith("Pod default/ratings: ", (string?)first["message"]);
    }

    [Fact]
    public async Task Cluster_objects_come_from_the_analyzed_files_too_and_warnings_exit_0()
    {
        var file = Write("all.yaml", """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: wl, namespace: shop}
            spec:
              gatewayClassName: istio-waypoint
              listeners: [{name: mesh, port: 15008, protocol: HBONE}]
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: p
              namespace: shop
              labels: {istio.io/use-waypoint: wl}
            spec: {containers: [{name: a, image: b}]}
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: s
              namespace: shop
              labels: {istio.io/use-waypoint: later}
            """);

        var (exit, output, _) = await Run("analyze", "-f", file);

        Assert.Equal(1, exit);
        Assert.Equal(
            [
                "Error [UnsupportedTrafficType] (Pod shop/p)",
                "Warning [NotInAmbient] (Pod shop/p)",
                "Warning [WaypointIsNotReady] (Service shop/s)",
            ],
            output.TrimEnd().Split('\n').Select(l => string.Join(' ', l.Split(' ').Take(4))));
    }

    [Fact]
    public async Task Undescribed_namespace_has_only_its_name_label_and_lists_and_json_are_read()
    {
        var gateway = Write("gateway.json", """
            {"apiVersion":"v1","kind":"List","items":[
              {"apiVersion":"gateway.networking.k8s.io/v1","kind":"Gateway","metadata":{"name":"egress","namespace":"infra","labels":{"istio.io/waypoint-for":"all"}},
               "spec":{"gatewayClassName":"istio-waypoint","listeners":[{"name":"mesh","port":15008,"protocol":"HBONE",
                 "allowedRoutes":{"namespaces":{"from":"Selector","selector":{"matchExpressions":[{"key":"kubernetes.io/metadata.name","operator":"In","values":["team-a"]}]}}}}]}}]}
            {"apiVersion":"v1","kind":"Namespace","metadata":{"name":"team-b","labels":{"istio.io/dataplane-mode":"ambient"}}}
            """);
        var subjects = Write("se.yaml", """
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata:
              name: a
              namespace: team-a
              labels: {istio.io/use-waypoint: egress, istio.io/use-waypoint-namespace: infra}
            spec: {hosts: [a.example.com]}
            ---
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata:
              name: b
              namespace: team-b
              labels: {istio.io/use-waypoint: egress, istio.io/use-waypoint-namespace: infra}
            spec: {hosts: [b.example.com]}
            """);

        var (exit, output, _) = await Run("analyze", "-f", subjects, "--cluster-state", gateway);

        Assert.Equal(1, exit);
        var line = Assert.Single(output.TrimEnd().Split('\n'));
        Assert.StartsWith("Error [AttachmentDenied] (ServiceEntry team-b/b)", line);
    }

    [Fact]
    public async Task Namespace_option_places_unnamespaced_objects_and_filters()
    {
        var file = Write("pods.yaml", """
            apiVersion: v1
            kind: Pod
            metadata: {name: here, labels: {istio.io/use-waypoint: None}}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: there, namespace: other, labels: {istio.io/use-waypoint: None}}
            """);

        var (exit, output, _) = await Run("analyze", "-f", file, "-n", "team");

        Assert.Equal(1, exit);
        Assert.All(output.TrimEnd().Split('\n'), line => Assert.Contains("(Pod team/here)", line));
    }

    [Fact]
    public async Task Enforcement_mode_from_configuration_flag_turns_errors_into_warnings()
    {
        var (exit, output, _) = await Run("analyze", "-f", Path.Combine(RepoRoot, "deploy/examples/manifests/broken.yaml"), "--cluster-state", ExampleCluster, "--Webhook:EnforcementMode=Warn");

        Assert.Equal(0, exit);
        Assert.All(output.TrimEnd().Split('\n'), line => Assert.StartsWith("Warning [", line));
    }

    [Fact]
    public async Task Invalid_setting_exits_2_naming_the_key()
    {
        var (exit, _, error) = await Run("analyze", "-f", ExampleCluster, "--Webhook:EnforcementMode=Block");

        Assert.Equal(2, exit);
        Assert.Contains("Webhook:EnforcementMode: must be Deny or Warn, not \"Block\"", error);
    }

    [Fact]
    public async Task Missing_file_exits_2()
    {
        var (exit, output, error) = await Run("analyze", "-f", Path.Combine(dir, "nope.yaml"));

        Assert.Equal(2, exit);
        Assert.Empty(output);
        Assert.Contains("nope.yaml: no such file or directory", error);
    }

    [Fact]
    public async Task Invalid_yaml_exits_2_with_the_position()
    {
        var file = Write("bad.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: [unclosed\n");

        var (exit, _, error) = await Run("analyze", "-f", file);

        Assert.Equal(2, exit);
        Assert.Contains("bad.yaml: invalid YAML at line", error);
    }

    [Fact]
    public async Task Wrongly_typed_field_exits_2_naming_it()
    {
        var file = Write("typed.yaml", "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: g}\nspec:\n  listeners: [{port: mesh}]\n");

        var (exit, _, error) = await Run("analyze", "-f", file);

        Assert.Equal(2, exit);
        Assert.Equal($"error: {file}: document 1: field spec.listeners[0].port has the wrong type\n", error.Replace("\r", string.Empty));
    }

    [Theory]
    [InlineData("analyze", "-o")]
    [InlineData("analyze", "-f", "x", "-o", "yaml")]
    [InlineData("frobnicate")]
    public async Task Usage_errors_exit_2(params string[] args)
    {
        var (exit, _, error) = await Run(args);

        Assert.Equal(2, exit);
        Assert.StartsWith("error: ", error);
    }

    [Fact]
    public async Task Unreadable_kubeconfig_exits_2_naming_it()
    {
        var (exit, _, error) = await Run("analyze", "--kubeconfig", Path.Combine(dir, "missing-kubeconfig"));

        Assert.Equal(2, exit);
        Assert.StartsWith($"error: cannot configure the Kubernetes client from {Path.Combine(dir, "missing-kubeconfig")}", error);
    }

    [Theory]
    [InlineData("--port", "8443", "--health-port", "8443")]
    [InlineData("--port", "0", "--health-port", "8080")]
    public async Task Serve_rejects_unusable_ports_with_exit_2(params string[] ports)
    {
        var (exit, _, error) = await Run(["serve", "--cluster-state", ExampleCluster, "--tls-cert-file", "x", "--tls-private-key-file", "y", .. ports]);

        Assert.Equal(2, exit);
        Assert.Equal("error: --port and --health-port must be two different ports between 1 and 65535\n", error.Replace("\r", string.Empty));
    }

    [Fact]
    public async Task Serve_with_an_invalid_setting_exits_2_before_binding_anything()
    {
        var (exit, _, error) = await Run("serve", "--cluster-state", ExampleCluster, "--tls-cert-file", "x", "--tls-private-key-file", "y", "--Webhook:MissingWaypointVerdict=Maybe");

        Assert.Equal(2, exit);
        Assert.Contains("Webhook:MissingWaypointVerdict: must be Warn or Deny, not \"Maybe\"", error);
    }
}
