using System.Text.Json.Nodes;
using WaypointWebhook.Policy.Configuration;
using WaypointWebhook.Testing;
using static WaypointWebhook.Tests.Reviews;

namespace WaypointWebhook.Tests.Cli;

/// <summary><c>analyze</c> end to end: files in, findings and exit code out.</summary>
public sealed class AnalyzeCommandTests : IDisposable
{
    private readonly AnalyzeRun run = new();

    private string dir => run.Dir;

    public void Dispose() => run.Dispose();

    private string Write(string name, string content) => run.Write(name, content);

    private static readonly string Broken = Path.Combine(RepoRoot, "deploy/examples/manifests/broken.yaml");

    [Fact]
    public async Task Broken_examples_exit_1_with_istioctl_style_lines_at_the_label()
    {
        var (exit, output, error) = await CliRunner.Run("analyze", "-f", Broken, "--cluster-state", ExampleCluster);

        Assert.Equal(1, exit);
        var lines = AnalyzeRun.Lines(output);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith($"Error [UnsupportedTrafficType] (Pod default/ratings {Broken}:9) Pod default/ratings: istio.io/use-waypoint=waypoint", lines[0]);
        Assert.StartsWith($"Error [NotAWaypoint] (Service default/reviews {Broken}:21) ", lines[1]);
        Assert.StartsWith($"Error [InvalidLabelValue] (Deployment default/details {Broken}:38) ", lines[2]);
        Assert.Equal("3 errors, 0 warnings in 3 objects from 1 file\n", error);
    }

    [Fact]
    public async Task Good_examples_exit_0_with_only_the_summary_on_stderr()
    {
        var (exit, output, error) = await CliRunner.Run("analyze", "-f", Path.Combine(RepoRoot, "deploy/examples/manifests/good.yaml"), "--cluster-state", ExampleCluster);

        Assert.Equal(0, exit);
        Assert.Equal("No validation issues found.\n", output);
        Assert.Equal("0 errors, 0 warnings in 2 objects from 1 file\n", error);
    }

    [Fact]
    public async Task Json_output_has_every_field()
    {
        var manifests = Path.Combine(RepoRoot, "deploy/examples/manifests");
        var (exit, output, error) = await CliRunner.Run("analyze", "-f", manifests, "--cluster-state", ExampleCluster, "-o", "json");

        Assert.Equal(1, exit);
        var findings = JsonNode.Parse(output)!["findings"]!.AsArray();
        Assert.Equal(3, findings.Count);
        var first = findings[0]!.AsObject();
        Assert.Equal(
            ["kind", "namespace", "name", "severity", "reason", "field", "message", "file", "line", "column", "fieldLine", "fieldColumn"],
            first.Select(p => p.Key));
        Assert.Equal("Pod", (string?)first["kind"]);
        Assert.Equal("default", (string?)first["namespace"]);
        Assert.Equal("ratings", (string?)first["name"]);
        Assert.Equal("Error", (string?)first["severity"]);
        Assert.Equal("UnsupportedTrafficType", (string?)first["reason"]);
        Assert.Equal("metadata.labels[istio.io/use-waypoint]", (string?)first["field"]);
        Assert.StartsWith("Pod default/ratings: ", (string?)first["message"]);
        Assert.Equal(Broken, (string?)first["file"]);
        Assert.Equal([3, 1, 9, 5], new[] { "line", "column", "fieldLine", "fieldColumn" }.Select(k => (int)first[k]!));
        var details = findings[2]!;
        Assert.Equal([26, 1, 38, 9], new[] { "line", "column", "fieldLine", "fieldColumn" }.Select(k => (int)details[k]!));
        Assert.Equal("3 errors, 0 warnings in 5 objects from 2 files\n", error);
    }

    [Fact]
    public async Task Relative_paths_are_shown_as_given_and_a_label_key_deep_in_the_object_is_pointed_at()
    {
        Write("deploy/apps/web.yaml", """
            # web tier
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              namespace: shop
            spec:
              replicas: 2
              template:
                metadata:
                  annotations: {note: "x"}
                  labels:
                    app: web
                    tier: front
                    istio.io/use-waypoint: NONE
                spec: {containers: [{name: c, image: i}]}
            """);
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, Path.Combine(dir, "deploy"));

        var (exit, output, error) = await CliRunner.Run("analyze", "-f", relative);

        Assert.Equal(1, exit);
        var shown = Path.Combine(relative, "apps", "web.yaml");
        Assert.Equal($"Error [InvalidLabelValue] (Deployment shop/web {shown}:16)", string.Join(' ', AnalyzeRun.Lines(output)[0].Split(' ').Take(5)));
        Assert.Equal("1 error, 1 warning in 1 object from 1 file\n", error); // and NotInAmbient: shop is not ambient
    }

    [Fact]
    public async Task Listener_and_endpoint_findings_point_at_the_listener_and_the_endpoint_label()
    {
        var file = Write("mesh.yaml", """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata:
              name: wp
              namespace: infra
              labels: {istio.io/waypoint-for: all}
            spec:
              gatewayClassName: istio-waypoint
              listeners:
              - name: mesh
                port: 15008
                protocol: HBONE
                allowedRoutes:
                  namespaces:
                    from: Selector
              - name: extra
                port: 80
                protocol: HTTP
            ---
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: ext, namespace: infra}
            spec:
              hosts: [ext.example.com]
              endpoints:
              - address: 10.0.0.1
              - address: 10.0.0.2
                labels:
                  istio.io/use-waypoint: "NONE"
            """);

        var (exit, output, _) = await CliRunner.Run("analyze", "-f", file, "-o", "json");

        Assert.Equal(1, exit);
        Assert.Equal(
            [
                "InvalidAllowedRoutes spec.listeners[0].allowedRoutes.namespaces.selector 1:1 14:7", // no selector: at its parent
                "UnexpectedListener spec.listeners 1:1 9:3",
                "InvalidLabelValue spec.endpoints[1].labels[istio.io/use-waypoint] 20:1 29:7",
            ],
            JsonNode.Parse(output)!["findings"]!.AsArray().Select(f => $"{f!["reason"]} {f["field"]} {f["line"]}:{f["column"]} {f["fieldLine"]}:{f["fieldColumn"]}"));
    }

    [Fact]
    public async Task Standard_input_is_shown_as_stdin_with_its_lines()
    {
        var original = Console.In;
        Console.SetIn(new StringReader("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels:\n    istio.io/use-waypoint: None\n"));
        try
        {
            var (exit, output, _) = await CliRunner.Run("analyze", "-f", "-", "-o", "json");

            Assert.Equal(1, exit);
            var finding = JsonNode.Parse(output)!["findings"]!.AsArray()[0]!;
            Assert.Equal("<stdin> 1:1 6:5", $"{finding["file"]} {finding["line"]}:{finding["column"]} {finding["fieldLine"]}:{finding["fieldColumn"]}");
        }
        finally
        {
            Console.SetIn(original);
        }
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

        var (exit, output, _) = await CliRunner.Run("analyze", "-f", file);

        Assert.Equal(1, exit);
        Assert.Equal(
            [
                $"Error [UnsupportedTrafficType] (Pod shop/p {file}:13)",
                $"Warning [NotInAmbient] (Pod shop/p {file}:13)",
                $"Warning [WaypointIsNotReady] (Service shop/s {file}:21)",
            ],
            AnalyzeRun.Lines(output).Select(l => string.Join(' ', l.Split(' ').Take(5))));
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

        var (exit, output, _) = await CliRunner.Run("analyze", "-f", subjects, "--cluster-state", gateway);

        Assert.Equal(1, exit);
        var line = Assert.Single(output.TrimEnd().Split('\n'));
        Assert.StartsWith($"Error [AttachmentDenied] (ServiceEntry team-b/b {subjects}:14)", line);
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

        var (exit, output, _) = await CliRunner.Run("analyze", "-f", file, "-n", "team");

        Assert.Equal(1, exit);
        Assert.All(AnalyzeRun.Lines(output), line => Assert.Contains($"(Pod team/here {file}:3)", line));
    }

    [Fact]
    public async Task Enforcement_mode_from_configuration_flag_turns_errors_into_warnings()
    {
        var (exit, output, _) = await CliRunner.Run("analyze", "-f", Broken, "--cluster-state", ExampleCluster, "--Webhook:EnforcementMode=Warn");

        Assert.Equal(0, exit);
        Assert.All(output.TrimEnd().Split('\n'), line => Assert.StartsWith("Warning [", line));
    }

    [Fact]
    public async Task Invalid_setting_exits_2_naming_the_key()
    {
        var (exit, _, error) = await CliRunner.Run("analyze", "-f", ExampleCluster, "--Webhook:EnforcementMode=Block");

        Assert.Equal(2, exit);
        Assert.Contains("Webhook:EnforcementMode: must be Deny or Warn, not \"Block\"", error);
    }

    [Fact]
    public async Task Missing_file_exits_2()
    {
        var (exit, output, error) = await CliRunner.Run("analyze", "-f", Path.Combine(dir, "nope.yaml"));

        Assert.Equal(2, exit);
        Assert.Empty(output);
        Assert.Contains("nope.yaml: no such file or directory", error);
    }

    [Fact]
    public async Task Invalid_yaml_exits_2_with_the_position()
    {
        var file = Write("bad.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: [unclosed\n");

        var (exit, _, error) = await CliRunner.Run("analyze", "-f", file);

        Assert.Equal(2, exit);
        Assert.Contains("bad.yaml: invalid YAML at line", error);
    }

    [Fact]
    public async Task Wrongly_typed_field_exits_2_naming_it()
    {
        var file = Write("typed.yaml", "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: g}\nspec:\n  listeners: [{port: mesh}]\n");

        var (exit, _, error) = await CliRunner.Run("analyze", "-f", file);

        Assert.Equal(2, exit);
        Assert.Equal($"error: {file}: document 1: field spec.listeners[0].port has the wrong type\n", error);
    }

    [Theory]
    [InlineData("analyze", "-o")]
    [InlineData("analyze", "-f", "x", "-o", "yaml")]
    [InlineData("frobnicate")]
    public async Task Usage_errors_exit_2(params string[] args)
    {
        var (exit, _, error) = await CliRunner.Run(args);

        Assert.Equal(2, exit);
        Assert.StartsWith("error: ", error);
    }

    [Fact]
    public async Task Unreadable_kubeconfig_exits_2_naming_it()
    {
        var (exit, _, error) = await CliRunner.Run("analyze", "--kubeconfig", Path.Combine(dir, "missing-kubeconfig"));

        Assert.Equal(2, exit);
        Assert.StartsWith($"error: cannot configure the Kubernetes client from {Path.Combine(dir, "missing-kubeconfig")}", error);
    }

    [Theory]
    [InlineData("--port", "8443", "--health-port", "8443")]
    [InlineData("--port", "0", "--health-port", "8080")]
    public async Task Serve_rejects_unusable_ports_with_exit_2(params string[] ports)
    {
        var (exit, _, error) = await CliRunner.Run(["serve", "--cluster-state", ExampleCluster, "--tls-cert-file", "x", "--tls-private-key-file", "y", .. ports]);

        Assert.Equal(2, exit);
        Assert.Equal("error: --port and --health-port must be two different ports between 1 and 65535\n", error);
    }

    [Fact]
    public async Task Serve_with_an_invalid_setting_exits_2_before_binding_anything()
    {
        var (exit, _, error) = await CliRunner.Run("serve", "--cluster-state", ExampleCluster, "--tls-cert-file", "x", "--tls-private-key-file", "y", "--Webhook:MissingWaypointVerdict=Maybe");

        Assert.Equal(2, exit);
        Assert.Contains("Webhook:MissingWaypointVerdict: must be Warn or Deny, not \"Maybe\"", error);
    }
}
