namespace WaypointWebhook.Tests.Cli;

/// <summary>Runs the command line as a user would, and a scratch directory for the files it reads.</summary>
public sealed class AnalyzeRun : IDisposable
{
    public string Dir { get; } = Directory.CreateTempSubdirectory("waypoint-analyze-").FullName;

    public void Dispose() => Directory.Delete(Dir, recursive: true);

    /// <summary>Exit code, standard output and standard error, with line ends as \n.</summary>
    public static async Task<(int Exit, string Output, string Error)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await Program.Run(args, output, error);
        return (exit, output.ToString().Replace("\r\n", "\n"), error.ToString().Replace("\r\n", "\n"));
    }

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
