namespace WaypointWebhook.Testing;

/// <summary>The command line run in-process as a user would (<see cref="Program.Run"/>), its output captured.</summary>
public static class CliRunner
{
    /// <summary>Exit code, standard output and standard error, with line ends as \n.</summary>
    public static async Task<(int Exit, string Output, string Error)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await Program.Run(args, output, error);
        return (exit, output.ToString().Replace("\r\n", "\n"), error.ToString().Replace("\r\n", "\n"));
    }
}
