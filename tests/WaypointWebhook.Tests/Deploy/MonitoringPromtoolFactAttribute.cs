namespace WaypointWebhook.Tests.Deploy;

/// <summary>
/// A test that runs promtool (Debian's <c>prometheus</c> package). Skipped with the reason when promtool is
/// not on the PATH, except where <c>CI=true</c> (CI services set it): there the test runs and a missing
/// promtool fails it. <c>.ci/run</c> installs promtool, so in CI these tests always run.
/// </summary>
public sealed class MonitoringPromtoolFactAttribute : FactAttribute
{
    public MonitoringPromtoolFactAttribute()
    {
        if (Path is null && Environment.GetEnvironmentVariable("CI") != "true")
        {
            Skip = "promtool is not on the PATH: apt-get install prometheus (.ci/run installs it; with CI=true this test fails instead of skipping)";
        }
    }

    /// <summary>promtool's full path, or null when no PATH folder holds it.</summary>
    public static string? Path { get; } = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
        .Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(dir => System.IO.Path.Combine(dir, "promtool"))
        .FirstOrDefault(File.Exists);
}
