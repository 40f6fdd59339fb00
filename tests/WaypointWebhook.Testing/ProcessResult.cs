namespace WaypointWebhook.Testing;

/// <summary>What a finished process said: its exit code, standard output and standard error.</summary>
public sealed record ProcessResult(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Output}\nstderr:\n{Error}";
}
