using WaypointWebhook.Testing;
namespace WaypointWebhook.Tests.Cli;

/// <summary>A scratch directory for the files the command line reads (the run itself: <see cref="CliRunner"/>).</summary>
public sealed class AnalyzeRun : IDisposable
{
    public string Dir { get; } = Directory.CreateTempSubdirectory("waypoint-analyze-").FullName;

    public void Dispose() => Directory.Delete(Dir, recursive: true);

    public string Write(string name, string content)
    {
        var path = Path.Combine(Dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>Standard output's lines, without the final line end.</summary>
    public static string[] Lines(string output) => output.TrimEnd('\n').Split('\n');
}
