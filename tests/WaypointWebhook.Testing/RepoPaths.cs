namespace WaypointWebhook.Testing;

/// <summary>The repository's root (the folder of WaypointWebhook.sln) and the example files under it.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>deploy/examples/cluster: the example cluster state.</summary>
    public static string ExampleCluster => Path.Combine(Root, "deploy", "examples", "cluster");

    /// <summary>A file of deploy/examples/requests (AdmissionReviews as the API server sends them).</summary>
    public static string ExampleRequest(string name) => Path.Combine(Root, "deploy", "examples", "requests", name);

    /// <summary>Looks above the running assembly, then above the working directory.</summary>
    private static string FindRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "WaypointWebhook.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("WaypointWebhook.sln not found above " + AppContext.BaseDirectory + " or " + Directory.GetCurrentDirectory());
    }
}
