using System.Text;
using System.Text.Json.Nodes;
using WaypointWebhook.Admission;
using WaypointWebhook.Cluster.Live;
using WaypointWebhook.Hosting;
using WaypointWebhook.Objects;
using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Tests.Deploy;

/// <summary>
/// Invariants of every rendered overlay, checked against the code's own source of truth: the handled
/// kinds, the endpoint paths, the resources the cluster view reads.
/// </summary>
public sealed class DeployManifestTests(RenderedManifests rendered) : IClassFixture<RenderedManifests>
{
    public static TheoryData<string> Overlays => new() { "base", "cert-manager", "plain" };

    private static IEnumerable<JsonObject> Webhooks(JsonObject configuration) => configuration["webhooks"]!.AsArray().Select(w => w!.AsObject());

    private static IEnumerable<JsonObject> Rules(JsonObject webhook) => webhook["rules"]!.AsArray().Select(r => r!.AsObject());

    private static string[] Strings(JsonNode? node) => node!.AsArray().Select(n => (string)n!).ToArray();

    private static JsonObject Container(List<JsonObject> objects) =>
        RenderedManifests.Single(objects, "Deployment", "waypoint-webhook")["spec"]!["template"]!["spec"]!["containers"]![0]!.AsObject();

    private static int ArgPort(JsonObject container, string flag) =>
        int.Parse(Strings(container["args"]).Single(a => a.StartsWith(flag + "=", StringComparison.Ordinal))[(flag.Length + 1)..]);

    private static int ContainerPort(JsonObject container, string name) =>
        (int)container["ports"]!.AsArray().Single(p => (string?)p!["name"] == name)!["containerPort"]!;

    /// <summary>
    /// The operations the API server must send for a handled kind (spec sections 5 and 7): CREATE and UPDATE
    /// for every subject; DELETE too for Gateways and GatewayClasses, whose deletion the reverse check judges.
    /// (Namespace UPDATE is narrowed to label changes by a matchCondition: see the test below.)
    /// </summary>
    private static string[] SpecOperations(HandledKind kind) =>
        kind.Subject is SubjectKind.Gateway or SubjectKind.GatewayClass ? ["CREATE", "DELETE", "UPDATE"] : ["CREATE", "UPDATE"];

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Validating_rules_send_exactly_the_handled_kinds_with_the_operations_the_spec_names(string overlay)
    {
        var configuration = RenderedManifests.Single(rendered.Overlays[overlay], "ValidatingWebhookConfiguration");
        var ruled = new Dictionary<(string, string), SortedSet<string>>();
        foreach (var rule in Webhooks(configuration).SelectMany(Rules))
        {
            foreach (var group in Strings(rule["apiGroups"]))
            {
                foreach (var resource in Strings(rule["resources"]))
                {
                    var operations = ruled.TryGetValue((group, resource), out var known) ? known : ruled[(group, resource)] = new SortedSet<string>(StringComparer.Ordinal);
                    operations.UnionWith(Strings(rule["operations"]));
                }
            }
        }

        var expected = HandledKinds.All.ToDictionary(k => (k.Group, k.Resource), k => string.Join(',', SpecOperations(k)));
        Assert.Equal(expected, ruled.ToDictionary(r => r.Key, r => string.Join(',', r.Value)));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Namespace_updates_come_from_every_namespace_once_and_only_when_labels_changed(string overlay)
    {
        var webhooks = Webhooks(RenderedManifests.Single(rendered.Overlays[overlay], "ValidatingWebhookConfiguration")).ToList();
        bool Sends(JsonObject webhook, string operation) =>
            Rules(webhook).Any(r => Strings(r["resources"]).Contains("namespaces") && Strings(r["operations"]).Contains(operation));

        // CREATE as before: the three label webhooks (objectSelectors) and the canary webhook (a condition).
        Assert.Equal(
            ["canaries.waypoint.istio.io", "ingress-use-waypoint.waypoint.istio.io", "use-waypoint-namespace.waypoint.istio.io", "use-waypoint.waypoint.istio.io"],
            webhooks.Where(w => Sends(w, "CREATE")).Select(w => (string)w["name"]!).Order(StringComparer.Ordinal));

        // UPDATE through one webhook only (judged once), from any namespace: no objectSelector, and no
        // namespaceSelector beyond the exclusion list, so a namespace without any waypoint label is sent too.
        var update = Assert.Single(webhooks, w => Sends(w, "UPDATE"));
        Assert.Equal("namespace-labels.waypoint.istio.io", (string?)update["name"]);
        var rule = Assert.Single(Rules(update));
        Assert.Equal(["namespaces"], Strings(rule["resources"]));
        Assert.Equal(["UPDATE"], Strings(rule["operations"]));
        Assert.Null(update["objectSelector"]);
        Assert.Equal(["kubernetes.io/metadata.name"], update["namespaceSelector"]!["matchExpressions"]!.AsArray().Select(e => (string)e!["key"]!));
        Assert.Null(update["namespaceSelector"]!["matchLabels"]);

        // Narrowed by one condition that compares the labels before and after (check.mjs evaluates it).
        var condition = (string)Assert.Single(update["matchConditions"]!.AsArray())!["expression"]!;
        Assert.Contains("object.metadata.labels", condition);
        Assert.Contains("oldObject.metadata.labels", condition);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Delete_is_sent_only_for_waypoint_gateways_and_classes_judged_on_the_old_object(string overlay)
    {
        var webhooks = Webhooks(RenderedManifests.Single(rendered.Overlays[overlay], "ValidatingWebhookConfiguration")).ToList();

        var deleting = Assert.Single(webhooks, w => Rules(w).Any(r => Strings(r["operations"]).Contains("DELETE")));
        Assert.Equal("gateways.waypoint.istio.io", (string?)deleting["name"]);
        Assert.Equal(["gatewayclasses", "gateways"], Rules(deleting).SelectMany(r => Strings(r["resources"])).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(webhooks.SelectMany(Rules), r => Strings(r["operations"]).Contains("CONNECT") || Strings(r["operations"]).Contains("*"));
        // On DELETE the request has no object, only the old one: the condition must read it.
        Assert.Contains("oldObject", (string)Assert.Single(deleting["matchConditions"]!.AsArray())!["expression"]!);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_webhook_is_side_effect_free_v1_short_fail_open_and_skips_system_namespaces(string overlay)
    {
        var service = RenderedManifests.Single(rendered.Overlays[overlay], "Service", "waypoint-webhook");
        var servicePort = (int)service["spec"]!["ports"]!.AsArray().Single(p => (string?)p!["name"] == "https-webhook")!["port"]!;
        foreach (var (kind, path) in new[] { ("ValidatingWebhookConfiguration", AdmissionEndpoints.ValidatePath), ("MutatingWebhookConfiguration", AdmissionEndpoints.MutatePath) })
        {
            foreach (var webhook in Webhooks(RenderedManifests.Single(rendered.Overlays[overlay], kind)))
            {
                Assert.Equal("None", (string?)webhook["sideEffects"]);
                Assert.Equal(["v1"], Strings(webhook["admissionReviewVersions"]));
                Assert.InRange((int)webhook["timeoutSeconds"]!, 1, 10);
                Assert.Equal("Ignore", (string?)webhook["failurePolicy"]);
                var excluded = webhook["namespaceSelector"]!["matchExpressions"]!.AsArray().Single(e => (string?)e!["key"] == "kubernetes.io/metadata.name")!;
                Assert.Equal("NotIn", (string?)excluded["operator"]);
                Assert.Equal(["kube-node-lease", "kube-public", "kube-system", "waypoint-system"], Strings(excluded["values"]).Order());
                var target = webhook["clientConfig"]!["service"]!;
                Assert.Equal((string?)service["metadata"]!["name"], (string?)target["name"]);
                Assert.Equal((string?)service["metadata"]!["namespace"], (string?)target["namespace"]);
                Assert.Equal(servicePort, (int)target["port"]!);
                Assert.Equal(path, (string?)target["path"]);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Label_kinds_use_object_selectors_and_templates_use_match_conditions(string overlay)
    {
        var webhooks = Webhooks(RenderedManifests.Single(rendered.Overlays[overlay], "ValidatingWebhookConfiguration")).ToList();
        var selected = webhooks.Where(w => w["objectSelector"] is not null).Select(w => (string)w["objectSelector"]!["matchExpressions"]![0]!["key"]!).ToHashSet();
        Assert.Equal(["istio.io/ingress-use-waypoint", "istio.io/use-waypoint", "istio.io/use-waypoint-namespace"], selected.Order());

        var conditions = string.Join('\n', webhooks.SelectMany(w => w["matchConditions"]?.AsArray() ?? []).Select(c => (string)c!["expression"]!));
        Assert.Contains("object.spec.template.metadata.labels", conditions);
        Assert.Contains("object.spec.jobTemplate.spec.template.metadata.labels", conditions);
        Assert.Contains("object.spec.endpoints", conditions);
        Assert.Contains("object.spec.labels", conditions);
        Assert.Contains("istio.io/waypoint-for", conditions);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Rules_v2_kinds_and_keys_reach_the_webhook_only_under_conditions(string overlay)
    {
        var webhooks = Webhooks(RenderedManifests.Single(rendered.Overlays[overlay], "ValidatingWebhookConfiguration")).ToList();

        // Every webhook without an objectSelector narrows by matchConditions: nothing else reaches the webhook.
        Assert.All(webhooks.Where(w => w["objectSelector"] is null), w => Assert.NotEmpty(w["matchConditions"]!.AsArray()));

        // W12: Services and ServiceEntries without their own labels only from namespaces that name a waypoint.
        foreach (var name in new[] { "inherited-services.waypoint.istio.io", "inherited-service-entries.waypoint.istio.io" })
        {
            var webhook = webhooks.Single(w => (string?)w["name"] == name);
            var expression = webhook["namespaceSelector"]!["matchExpressions"]!.AsArray().Single(e => (string?)e!["key"] == "istio.io/use-waypoint")!;
            Assert.Equal("Exists", (string?)expression["operator"]);
            Assert.Equal(name.StartsWith("inherited-services", StringComparison.Ordinal) ? ["services"] : ["serviceentries"], Rules(webhook).SelectMany(r => Strings(r["resources"])));
        }

        var conditions = string.Join('\n', webhooks.SelectMany(w => w["matchConditions"]?.AsArray() ?? []).Select(c => (string)c!["expression"]!));
        Assert.Contains("istio.io/use-waypoint-canary", conditions);
        Assert.Contains("istio.io/use-waypoint-canary-namespace", conditions);
        Assert.Contains("istio.io/use-waypoint-canary-weight", conditions);
        Assert.Contains("object.spec.metadata.labels", conditions);
        Assert.Contains("object.spec.template.labels", conditions);
        Assert.Contains("istio.io/connect-strategy", conditions);
        Assert.Contains("ambient.istio.io/waypoint-inbound-binding", conditions);
        Assert.Contains(webhooks.SelectMany(Rules), r => Strings(r["resources"]).Contains("workloadgroups"));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Mutating_webhook_handles_waypoint_gateways_only(string overlay)
    {
        var webhook = Assert.Single(Webhooks(RenderedManifests.Single(rendered.Overlays[overlay], "MutatingWebhookConfiguration")));

        var rule = Assert.Single(Rules(webhook));
        Assert.Equal(["gateway.networking.k8s.io"], Strings(rule["apiGroups"]));
        Assert.Equal(["gateways"], Strings(rule["resources"]));
        Assert.Equal("Never", (string?)webhook["reinvocationPolicy"]);
        Assert.Contains("istio-waypoint", (string?)webhook["matchConditions"]![0]!["expression"]);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Rbac_grants_only_read_on_what_the_cluster_view_watches(string overlay)
    {
        var role = RenderedManifests.Single(rendered.Overlays[overlay], "ClusterRole", "waypoint-webhook");
        var granted = new HashSet<(string, string, string)>();
        foreach (var rule in role["rules"]!.AsArray())
        {
            foreach (var group in Strings(rule!["apiGroups"]))
            {
                foreach (var resource in Strings(rule["resources"]))
                {
                    foreach (var verb in Strings(rule["verbs"]))
                    {
                        granted.Add((group, resource, verb));
                    }
                }
            }
        }

        // list+watch on everything the view watches (the cluster state and the consumer index's kinds), get
        // only on what it confirms: nothing more, nothing less.
        var expected = LiveClusterView.WatchedResources.SelectMany(r => new[] { (r.Group, r.Resource, "list"), (r.Group, r.Resource, "watch") })
            .Concat(LiveClusterView.ReadResources.Select(r => (r.Group, r.Resource, "get")))
            .ToHashSet();
        Assert.Equal(expected.Order(), granted.Order());
        Assert.Equal(7, LiveClusterView.WatchedResources.Count);
        Assert.Contains(("", "pods", "watch"), granted);
        Assert.DoesNotContain(("", "pods", "get"), granted);
        Assert.DoesNotContain(rendered.Overlays[overlay], o => (string?)o["kind"] is "Role" or "RoleBinding");
        var binding = RenderedManifests.Single(rendered.Overlays[overlay], "ClusterRoleBinding", "waypoint-webhook");
        var deployment = RenderedManifests.Single(rendered.Overlays[overlay], "Deployment", "waypoint-webhook");
        Assert.Equal((string?)deployment["spec"]!["template"]!["spec"]!["serviceAccountName"], (string?)binding["subjects"]![0]!["name"]);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Service_ports_container_ports_args_and_probes_agree(string overlay)
    {
        var objects = rendered.Overlays[overlay];
        var container = Container(objects);
        var service = RenderedManifests.Single(objects, "Service", "waypoint-webhook");
        var deployment = RenderedManifests.Single(objects, "Deployment", "waypoint-webhook");

        var webhookPort = ContainerPort(container, "webhook");
        var healthPort = ContainerPort(container, "health");
        Assert.Equal(webhookPort, ArgPort(container, "--port"));
        Assert.Equal(healthPort, ArgPort(container, "--health-port"));
        Assert.Equal("webhook", (string?)service["spec"]!["ports"]!.AsArray().Single(p => (string?)p!["name"] == "https-webhook")!["targetPort"]);
        Assert.Equal(
            deployment["spec"]!["selector"]!["matchLabels"]!.ToJsonString(),
            service["spec"]!["selector"]!.ToJsonString());

        Assert.Equal(HealthEndpoints.ReadinessPath, (string?)container["readinessProbe"]!["httpGet"]!["path"]);
        Assert.Equal(HealthEndpoints.LivenessPath, (string?)container["livenessProbe"]!["httpGet"]!["path"]);
        Assert.Equal("health", (string?)container["readinessProbe"]!["httpGet"]!["port"]);
        Assert.Equal("health", (string?)container["livenessProbe"]!["httpGet"]!["port"]);

        var certs = container["volumeMounts"]!.AsArray().Single(m => (string?)m!["name"] == "certs")!;
        var mountPath = (string)certs["mountPath"]!;
        Assert.Contains($"--tls-cert-file={mountPath}/tls.crt", Strings(container["args"]));
        Assert.Contains($"--tls-private-key-file={mountPath}/tls.key", Strings(container["args"]));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Pod_is_hardened_and_highly_available(string overlay)
    {
        var objects = rendered.Overlays[overlay];
        var deployment = RenderedManifests.Single(objects, "Deployment", "waypoint-webhook");
        var pod = deployment["spec"]!["template"]!["spec"]!;
        var container = Container(objects);
        var security = container["securityContext"]!;

        Assert.Equal(2, (int)deployment["spec"]!["replicas"]!);
        Assert.Equal("system-cluster-critical", (string?)pod["priorityClassName"]);
        Assert.NotEmpty(pod["topologySpreadConstraints"]!.AsArray());
        Assert.True((bool)pod["securityContext"]!["runAsNonRoot"]!);
        Assert.Equal("RuntimeDefault", (string?)pod["securityContext"]!["seccompProfile"]!["type"]);
        Assert.True((bool)security["runAsNonRoot"]!);
        Assert.True((bool)security["readOnlyRootFilesystem"]!);
        Assert.False((bool)security["allowPrivilegeEscalation"]!);
        Assert.Equal(["ALL"], Strings(security["capabilities"]!["drop"]));
        Assert.Equal("RuntimeDefault", (string?)security["seccompProfile"]!["type"]);
        Assert.NotNull(container["resources"]!["requests"]!["cpu"]);
        Assert.NotNull(container["resources"]!["limits"]!["memory"]);
        Assert.Contains(container["volumeMounts"]!.AsArray(), m => (string?)m!["mountPath"] == "/tmp");

        var budget = RenderedManifests.Single(objects, "PodDisruptionBudget", "waypoint-webhook");
        Assert.Equal(1, (int)budget["spec"]!["minAvailable"]!);
        Assert.Equal(deployment["spec"]!["selector"]!["matchLabels"]!.ToJsonString(), budget["spec"]!["selector"]!["matchLabels"]!.ToJsonString());
    }

    [Fact]
    public void Cert_manager_issues_the_mounted_secret_for_the_service_and_injects_its_ca()
    {
        var objects = rendered.Overlays["cert-manager"];
        var certificate = RenderedManifests.Single(objects, "Certificate", "waypoint-webhook-serving");
        var secretName = (string?)Container(objects).Parent!.Parent!["volumes"]!.AsArray().Single(v => (string?)v!["name"] == "certs")!["secret"]!["secretName"];

        Assert.Equal(secretName, (string?)certificate["spec"]!["secretName"]);
        Assert.Contains("waypoint-webhook.waypoint-system.svc", Strings(certificate["spec"]!["dnsNames"]));
        foreach (var kind in new[] { "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration" })
        {
            Assert.Equal("waypoint-system/waypoint-webhook-serving", (string?)RenderedManifests.Single(objects, kind)["metadata"]!["annotations"]!["cert-manager.io/inject-ca-from"]);
        }
    }

    [Fact]
    public void Plain_overlay_ships_the_secret_and_the_ca_bundle_of_the_certs_script()
    {
        var objects = rendered.Overlays["plain"];
        var secret = RenderedManifests.Single(objects, "Secret", "waypoint-webhook-tls");
        var bundle = Convert.ToBase64String(Encoding.ASCII.GetBytes(rendered.CaCertificate));

        Assert.Equal("kubernetes.io/tls", (string?)secret["type"]);
        Assert.Contains("BEGIN CERTIFICATE", Encoding.ASCII.GetString(Convert.FromBase64String((string)secret["data"]!["tls.crt"]!)));
        Assert.DoesNotContain(objects, o => (string?)o["metadata"]!["name"] == "waypoint-webhook-ca-bundle");
        foreach (var kind in new[] { "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration" })
        {
            // kustomize folds the base64 into lines; Go's base64 decoder (the API server's) skips newlines.
            Assert.All(Webhooks(RenderedManifests.Single(objects, kind)), w => Assert.Equal(bundle, ((string?)w["clientConfig"]!["caBundle"])?.Replace("\n", string.Empty)));
        }
    }

    [Fact]
    public void Match_conditions_are_valid_cel_that_selects_the_right_objects()
    {
        // Every condition of both configurations, evaluated by an independent CEL implementation
        // (tests/cel/check.mjs) against sample objects that must and must not reach the webhook.
        var conditions = new JsonArray();
        foreach (var kind in new[] { "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration" })
        {
            foreach (var webhook in Webhooks(RenderedManifests.Single(rendered.Overlays["base"], kind)))
            {
                foreach (var condition in webhook["matchConditions"]?.AsArray() ?? [])
                {
                    conditions.Add(new JsonObject { ["webhook"] = (string?)webhook["name"], ["expr"] = (string?)condition!["expression"] });
                }
            }
        }

        var file = Path.Combine(rendered.Directory, "conditions.json");
        File.WriteAllText(file, conditions.ToJsonString());
        var cel = Path.Combine(Reviews.RepoRoot, "tests", "cel");
        if (!Directory.Exists(Path.Combine(cel, "node_modules", "@marcbachmann", "cel-js")))
        {
            var (installed, _, installError) = RenderedManifests.Exec("npm", cel, "ci", "--no-audit", "--no-fund");
            Assert.True(installed == 0, "npm ci in tests/cel failed: " + installError);
        }

        var (exit, output, error) = RenderedManifests.Exec("node", cel, "check.mjs", file);

        Assert.True(exit == 0, output + error);
        Assert.Contains($"all {conditions.Count} conditions behave", output);
        Assert.Equal(13, conditions.Count);
    }
}
