using System.Diagnostics;
using WaypointWebhook.Testing;

namespace WaypointWebhook.EndToEnd;

/// <summary>
/// hack/local-cluster.sh as a newcomer uses it: start, the printed KUBECONFIG, the examples applied
/// with kubectl, stop. A second control plane of its own, beside the suite's.
/// </summary>
[Collection(LocalClusterCollection.Name)]
public sealed class LocalClusterScriptTests(LocalCluster cluster)
{
    [SkippableFact]
    public void Start_apply_the_examples_see_the_denials_and_stop()
    {
        Skip.If(cluster.SkipReason is not null, cluster.SkipReason);
        var dir = Directory.CreateTempSubdirectory("waypoint-local-cluster-").FullName;
        var env = LocalCluster.ScriptEnvironment(dir);
        try
        {
            var start = LocalCluster.Exec("bash", [LocalCluster.Script, "start"], null, env);
            Assert.True(start.ExitCode == 0, start + Logs(dir));
            var kubeconfig = Path.Combine(dir, "admin.kubeconfig");
            Assert.Contains($"  export KUBECONFIG={kubeconfig}\n", start.Output);
            Assert.Contains($"Stop it with: LOCAL_CLUSTER_DIR={dir} {LocalCluster.Script} stop\n", start.Output);
            var pids = new[] { "etcd", "apiserver", "webhook" }.Select(n => int.Parse(File.ReadAllText(Path.Combine(dir, n + ".pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture)).ToList();

            ProcessResult Kubectl(params string[] args) => LocalCluster.Exec("kubectl", args, null, new Dictionary<string, string> { ["KUBECONFIG"] = kubeconfig });
            var examples = Path.Combine(LocalCluster.RepoRoot, "deploy", "examples");
            Assert.Equal(0, Kubectl("apply", "-f", Path.Combine(examples, "cluster", "namespaces.yaml")).ExitCode);
            var clusterState = Kubectl("apply", "-f", Path.Combine(examples, "cluster"));
            Assert.True(clusterState.ExitCode == 0, clusterState.ToString());

            var manifests = Kubectl("apply", "-f", Path.Combine(examples, "manifests"));

            Assert.Equal(1, manifests.ExitCode);
            Assert.Equal("service/productpage created\nserviceentry.networking.istio.io/api-example-com created\n", manifests.Output);
            Assert.Contains("admission webhook \"use-waypoint.waypoint.istio.io\" denied the request: [UnsupportedTrafficType] Pod default/ratings:", manifests.Error);
            Assert.Contains("admission webhook \"use-waypoint.waypoint.istio.io\" denied the request: [NotAWaypoint] Service default/reviews:", manifests.Error);
            Assert.Contains("admission webhook \"pod-templates.waypoint.istio.io\" denied the request: [InvalidLabelValue] Deployment default/details:", manifests.Error);
            Assert.Contains("Warning: [WaypointIsNotReady] Service default/productpage: waypoint default/waypoint has no status.addresses yet", manifests.Error);

            var stop = LocalCluster.Exec("bash", [LocalCluster.Script, "stop"], null, env);
            Assert.True(stop.ExitCode == 0, stop.ToString());
            Assert.All(pids, pid => Assert.False(Running(pid), $"process {pid} still runs after stop"));
            var status = LocalCluster.Exec("bash", [LocalCluster.Script, "status"], null, env);
            Assert.Equal("etcd: stopped\napiserver: stopped\nwebhook: stopped\nexport KUBECONFIG=" + kubeconfig + "\n", status.Output);
        }
        finally
        {
            LocalCluster.StopAll(dir);
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The last lines of every log in the state folder, for a failure message.</summary>
    private static string Logs(string dir) => string.Concat(
        Directory.GetFiles(dir, "*.log").Select(f => $"\n--- {Path.GetFileName(f)}:\n" + string.Join('\n', File.ReadAllLines(f).TakeLast(15))));

    private static bool Running(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
