namespace WaypointWebhook.Cli;

/// <summary>What the process's exit code says, for every command.</summary>
public static class ExitCodes
{
    /// <summary><c>serve</c> stopped cleanly; <c>analyze</c> found nothing at or above its failure threshold.</summary>
    public const int Success = 0;

    /// <summary><c>analyze</c> found at least one finding (not suppressed) at or above its failure threshold.</summary>
    public const int Findings = 1;

    /// <summary>The command line, a setting, an input file or the cluster connection is unusable; the message says which.</summary>
    public const int UsageOrInput = 2;
}
