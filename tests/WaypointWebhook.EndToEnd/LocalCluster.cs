using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using WaypointWebhook.Testing;

namespace WaypointWebhook.EndToEnd;

/// <summary>
/// One real control plane for the whole run, started by <c>hack/local-cluster.sh</c> (the script users
/// run; the suite drives its steps one by one): etcd and kube-apiserver on loopback with random free ports,
/// a fresh state folder, the test CRDs, deploy/base's Namespace, ServiceAccount and RBAC, the webhook
/// (this build's WaypointWebhook.dll) running as that ServiceAccount's token, and the rendered webhook
/// configurations pointed at it. Objects that must exist before <c>serve</c> starts are created between
/// the steps. Every process is stopped by its recorded id on dispose, also when a test failed.
/// </summary>
public sealed class LocalCluster : IDisposable
{
    /// <summary>Pre-existing Gateways in <see cref="PreNamespace"/>: well over 16 KB as one list response.</summary>
    public const int PreGateways = 30;
    public const string PreNamespace = "e2e-pre";

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(300);

    public LocalCluster()
    {
        webhookClient = new Lazy<HttpClient>(TrustingTestCa);
        var assets = Environment.GetEnvironmentVariable("KUBEBUILDER_ASSETS");
        if (string.IsNullOrEmpty(assets))
        {
            SkipReason = "KUBEBUILDER_ASSETS is not set: no kube-apiserver and etcd to run against (export KUBEBUILDER_ASSETS=$(../shared/envtest/setup.sh))";
            return;
        }

        if (!File.Exists(Path.Combine(assets, "kube-apiserver")) || !File.Exists(Path.Combine(assets, "etcd")))
        {
            throw new InvalidOperationException($"KUBEBUILDER_ASSETS={assets} holds no kube-apiserver and etcd");
        }

        Directory = System.IO.Directory.CreateTempSubdirectory("waypoint-e2e-").FullName;
        try
        {
            Step("up");
            var env = File.ReadAllLines(Path.Combine(Directory, "env")).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
            ApiPort = int.Parse(env["API_PORT"], CultureInfo.InvariantCulture);
            EtcdPort = int.Parse(env["ETCD_PORT"], CultureInfo.InvariantCulture);
            WebhookPort = int.Parse(env["WEBHOOK_PORT"], CultureInfo.InvariantCulture);
            HealthPort = int.Parse(env["HEALTH_PORT"], CultureInfo.InvariantCulture);

            CreatePreExistingObjects();
            Step("webhook-start");
            Step("register");
            StartupLog = WebhookLog;
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Why every test skips, or null when the control plane runs.</summary>
    public string? SkipReason { get; }

    public string Directory { get; } = "";

    public int ApiPort { get; }

    public int EtcdPort { get; }

    public int WebhookPort { get; }

    public int HealthPort { get; }

    public string AdminKubeconfig => Path.Combine(Directory, "admin.kubeconfig");

    public string WebhookKubeconfig => Path.Combine(Directory, "webhook.kubeconfig");

    /// <summary>The webhook's log from its start to the end of the fixture's set-up (before any test restarted anything).</summary>
    public string StartupLog { get; } = "";

    public string WebhookLog => File.Exists(Path.Combine(Directory, "webhook.log")) ? File.ReadAllText(Path.Combine(Directory, "webhook.log")) : "";

    public static string RepoRoot => RepoPaths.Root;

    /// <summary>How often a condition on the cluster is checked again: each check runs kubectl or reads the log.</summary>
    public static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    public static string Script => Path.Combine(RepoRoot, "hack", "local-cluster.sh");

    public static string WebhookDll => Path.Combine(AppContext.BaseDirectory, "WaypointWebhook.dll");

    /// <summary>Runs one step of hack/local-cluster.sh on this cluster; a failure fails the test with its output.</summary>
    public ProcessResult Step(string step, IDictionary<string, string>? env = null)
    {
        var result = Exec("bash", [Script, step], null, ScriptEnvironment(Directory, env));
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"hack/local-cluster.sh {step} failed: {result}\nwebhook log:\n{WebhookLog}");
        }

        return result;
    }

    public static Dictionary<string, string> ScriptEnvironment(string directory, IDictionary<string, string>? extra = null)
    {
        var env = new Dictionary<string, string> { ["LOCAL_CLUSTER_DIR"] = directory, ["WEBHOOK_DLL"] = WebhookDll };
        foreach (var (k, v) in extra ?? new Dictionary<string, string>())
        {
            env[k] = v;
        }

        return env;
    }

    /// <summary>The real kubectl as the cluster admin.</summary>
    public ProcessResult Kubectl(params string[] args) => KubectlIn(null, args);

    /// <summary>The real kubectl as the cluster admin, with a manifest on standard input.</summary>
    public ProcessResult KubectlIn(string? stdin, params string[] args) =>
        Exec("kubectl", args, stdin, new Dictionary<string, string> { ["KUBECONFIG"] = AdminKubeconfig });

    /// <summary>kubectl that must succeed; returns its standard output.</summary>
    public string Ok(params string[] args)
    {
        var result = Kubectl(args);
        Assert.True(result.ExitCode == 0, $"kubectl {string.Join(' ', args)}: {result}");
        return result.Output;
    }

    public string OkIn(string stdin, params string[] args)
    {
        var result = KubectlIn(stdin, args);
        Assert.True(result.ExitCode == 0, $"kubectl {string.Join(' ', args)}: {result}");
        return result.Output;
    }

    public JsonObject GetJson(params string[] args) => JsonNode.Parse(Ok([.. args, "-o", "json"]))!.AsObject();

    /// <summary>A namespace in the ambient mesh with the default ServiceAccount Pods need (no controller-manager makes it).</summary>
    public void Namespace(string name, bool ambient = true)
    {
        OkIn($$"""
            apiVersion: v1
            kind: Namespace
            metadata:
              name: {{name}}
              labels: {{{(ambient ? "istio.io/dataplane-mode: ambient" : "")}}}
            ---
            apiVersion: v1
            kind: ServiceAccount
            metadata: {name: default, namespace: {{name}}}
            """, "apply", "-f", "-");
    }

    /// <summary>A waypoint Gateway (class istio-waypoint, one HBONE listener), optionally with a traffic type and an address.</summary>
    public static string Waypoint(string ns, string name, string? waypointFor, string extraMetadata = "") => $$"""
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata:
          name: {{name}}
          namespace: {{ns}}
          labels: {{{(waypointFor is null ? "" : "istio.io/waypoint-for: " + waypointFor)}}}
        {{extraMetadata}}
        spec:
          gatewayClassName: istio-waypoint
          listeners:
          - {name: mesh, port: 15008, protocol: HBONE}
        """;

    /// <summary>Gives a Gateway an address, as istiod would once it is programmed.</summary>
    public void Programmed(string ns, string name, string address = "10.0.0.20") =>
        Ok("patch", "gateway", "-n", ns, name, "--subresource=status", "--type=merge", "-p", "{\"status\":{\"addresses\":[{\"type\":\"IPAddress\",\"value\":\"" + address + "\"}]}}");

    public static string Pod(string ns, string name, string labels) => $$"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {{name}}
          namespace: {{ns}}
          labels: {{{labels}}}
        spec:
          containers:
          - {name: app, image: registry.invalid/app:1}
        """;

    public static string Service(string ns, string name, string labels) => $$"""
        apiVersion: v1
        kind: Service
        metadata:
          name: {{name}}
          namespace: {{ns}}
          labels: {{{labels}}}
        spec:
          ports:
          - {port: 80}
        """;

    /// <summary>The webhook's own metrics (health port /metrics): the sum of a series over its label sets, filtered by a label substring.</summary>
    public Task<double> MetricSum(string series, string? labelFilter = null) => MetricsScrape.Sum(HealthPort, series, labelFilter);

    /// <summary>
    /// Asks the webhook directly (POST /validate over TLS, trusting only the test CA) whether a Pod on a
    /// waypoint is allowed: milliseconds, so a poll measures the cluster view and not kubectl's start-up.
    /// </summary>
    public async Task<bool> PodAllowed(string ns, string waypoint) => (bool)(await PodReview(ns, waypoint))["allowed"]!;

    /// <summary>The webhook's AdmissionReview response for a Pod on a waypoint, asked directly.</summary>
    public async Task<JsonObject> PodReview(string ns, string waypoint)
    {
        var review = new JsonObject
        {
            ["apiVersion"] = "admission.k8s.io/v1",
            ["kind"] = "AdmissionReview",
            ["request"] = new JsonObject
            {
                ["uid"] = Guid.NewGuid().ToString(),
                ["kind"] = new JsonObject { ["group"] = "", ["version"] = "v1", ["kind"] = "Pod" },
                ["resource"] = new JsonObject { ["group"] = "", ["version"] = "v1", ["resource"] = "pods" },
                ["name"] = "probe",
                ["namespace"] = ns,
                ["operation"] = "CREATE",
                ["userInfo"] = new JsonObject { ["username"] = "e2e" },
                ["object"] = new JsonObject
                {
                    ["apiVersion"] = "v1",
                    ["kind"] = "Pod",
                    ["metadata"] = new JsonObject { ["name"] = "probe", ["namespace"] = ns, ["labels"] = new JsonObject { ["istio.io/use-waypoint"] = waypoint } },
                    ["spec"] = new JsonObject(),
                },
                ["dryRun"] = true,
            },
        };
        using var response = await webhookClient.Value.PostAsync(
            $"https://127.0.0.1:{WebhookPort}/validate",
            new StringContent(review.ToJsonString(), Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["response"]!.AsObject();
    }

    private readonly Lazy<HttpClient> webhookClient;

    private HttpClient TrustingTestCa()
    {
        var ca = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(Directory, "pki", "ca.crt")));
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
        {
            if (certificate is null)
            {
                return false;
            }

            using var chain = new System.Security.Cryptography.X509Certificates.X509Chain();
            chain.ChainPolicy.TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
            return chain.Build(new System.Security.Cryptography.X509Certificates.X509Certificate2(certificate));
        };
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(5) };
    }

    public async Task<string> Metrics()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        return await http.GetStringAsync($"http://127.0.0.1:{HealthPort}/metrics");
    }

    /// <summary>Runs a program from the repository's root; a run over the command timeout is killed and a <see cref="TimeoutException"/>.</summary>
    public static ProcessResult Exec(string file, IEnumerable<string> args, string? stdin, IDictionary<string, string>? env = null) =>
        ProcessRunner.Run(file, args, stdin, env, RepoRoot, CommandTimeout);

    /// <summary>Stops every process the script recorded, by process id: the script's stop first, then a kill of any id left.</summary>
    public static void StopAll(string directory)
    {
        if (string.IsNullOrEmpty(directory) || !System.IO.Directory.Exists(directory))
        {
            return;
        }

        try
        {
            Exec("bash", [Script, "stop"], null, ScriptEnvironment(directory));
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Fall through to the kills below.
        }

        foreach (var pidFile in System.IO.Directory.GetFiles(directory, "*.pid"))
        {
            if (int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid))
            {
                try
                {
                    using var process = Process.GetProcessById(pid);
                    process.Kill();
                    process.WaitForExit(5000);
                }
                catch (ArgumentException)
                {
                    // Already gone.
                }
                catch (InvalidOperationException)
                {
                    // Already gone.
                }
            }
        }
    }

    public void Dispose()
    {
        if (SkipReason is not null || Directory.Length == 0)
        {
            return;
        }

        if (webhookClient.IsValueCreated)
        {
            webhookClient.Value.Dispose();
        }

        StopAll(Directory);
        if (Environment.GetEnvironmentVariable("E2E_KEEP_STATE") is null)
        {
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (IOException)
            {
                // A temp folder left behind harms nothing.
            }
            catch (UnauthorizedAccessException)
            {
                // Same.
            }
        }
    }

    /// <summary>
    /// Created with kubectl apply before serve starts (so each carries last-applied-configuration): the
    /// waypoint class, an ingress class, and <see cref="PreGateways"/> waypoints with sizeable annotations,
    /// so that the webhook's first list of Gateways is one response well over 16 KB.
    /// </summary>
    private void CreatePreExistingObjects()
    {
        OkIn("""
            apiVersion: gateway.networking.k8s.io/v1
            kind: GatewayClass
            metadata: {name: istio-waypoint}
            spec: {controllerName: istio.io/mesh-controller}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: GatewayClass
            metadata: {name: istio}
            spec: {controllerName: istio.io/gateway-controller}
            """, "apply", "-f", "-");
        Namespace(PreNamespace);
        var padding = new string('x', 600);
        var gateways = new StringBuilder();
        for (var i = 0; i < PreGateways; i++)
        {
            gateways.Append("---\n").Append(Waypoint(
                PreNamespace,
                $"pre-{i:D2}",
                i == 0 ? "all" : null,
                $"  annotations: {{e2e.waypoint.io/padding: \"{i:D2}-{padding}\", e2e.waypoint.io/note: \"created before the webhook started\"}}"));
            gateways.Append('\n');
        }

        OkIn(gateways.ToString(), "apply", "-f", "-");
        Programmed(PreNamespace, "pre-00");
        Programmed(PreNamespace, $"pre-{PreGateways - 1:D2}");
    }
}

[CollectionDefinition(Name)]
public sealed class LocalClusterCollection : ICollectionFixture<LocalCluster>
{
    public const string Name = "local cluster";
}
