using System.Text;
using System.Text.Json.Nodes;
using WaypointWebhook.Cluster;
using WaypointWebhook.Testing;

namespace WaypointWebhook.Tests.Deploy;

/// <summary>
/// Renders the deploy/ overlays with the real <c>kubectl kustomize</c>, in a copy of deploy/ with a
/// certificate made by certs/make-certs.sh for the plain overlay, as an operator would.
/// </summary>
public sealed class RenderedManifests : IDisposable
{
    public RenderedManifests()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("waypoint-deploy-").FullName;
        Copy(Path.Combine(Reviews.RepoRoot, "deploy"), Path.Combine(Directory, "deploy"));
        var certs = Path.Combine(Directory, "deploy", "overlays", "plain", "certs");
        Run("bash", Path.Combine(Reviews.RepoRoot, "certs", "make-certs.sh"), "--out", certs);
        CaCertificate = File.ReadAllText(Path.Combine(certs, "ca.crt"));
        Overlays = new Dictionary<string, List<JsonObject>>
        {
            ["base"] = Render("base"),
            ["cert-manager"] = Render("overlays/cert-manager"),
            ["plain"] = Render("overlays/plain"),
        };
    }

    public string Directory { get; }

    public string CaCertificate { get; }

    public IReadOnlyDictionary<string, List<JsonObject>> Overlays { get; }

    public static JsonObject Single(IEnumerable<JsonObject> objects, string kind, string? name = null) =>
        Assert.Single(objects, o => (string?)o["kind"] == kind && (name is null || (string?)o["metadata"]!["name"] == name));

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);

    private List<JsonObject> Render(string overlay)
    {
        var yaml = Run("kubectl", "kustomize", Path.Combine(Directory, "deploy", overlay));
        return YamlToJson.Documents(new StringReader(yaml)).Select(bytes => JsonNode.Parse(bytes)!.AsObject()).ToList();
    }

    private string Run(string file, params string[] args)
    {
        var (exitCode, output, error) = Exec(file, Directory, args);
        Assert.True(exitCode == 0, $"{file} {string.Join(' ', args)} failed: {error}");
        return output;
    }

    /// <summary>Runs a program in a folder (through the shared runner); returns its exit code, standard output and standard error.</summary>
    public static (int ExitCode, string Output, string Error) Exec(string file, string workingDirectory, params string[] args)
    {
        var result = ProcessRunner.Run(file, args, workingDirectory: workingDirectory);
        return (result.ExitCode, result.Output, result.Error);
    }

    private static void Copy(string from, string to)
    {
        System.IO.Directory.CreateDirectory(to);
        foreach (var file in System.IO.Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (var dir in System.IO.Directory.GetDirectories(from).Where(d => Path.GetFileName(d) != "certs"))
        {
            Copy(dir, Path.Combine(to, Path.GetFileName(dir)));
        }
    }
}
