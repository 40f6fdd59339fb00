using WaypointWebhook.Testing;
namespace WaypointWebhook.Tests.Cli;

/// <summary><c>--failure-threshold</c>, <c>--output-threshold</c>, <c>--suppress</c>, the suppress annotation, and the summary that counts them.</summary>
public sealed class AnalyzeThresholdAndSuppressionTests : IDisposable
{
    private readonly AnalyzeRun run = new();
    private readonly string both;
    private readonly string warningOnly;

    public AnalyzeThresholdAndSuppressionTests()
    {
        // Pod shop/p: an error (UnsupportedTrafficType: wl is service-only) and a warning (NotInAmbient).
        // Namespace team: a warning (WaypointIsNotReady: the Gateway is not there yet). Service shop/s: nothing.
        both = run.Write("both.yaml", """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: wl, namespace: shop}
            spec:
              gatewayClassName: istio-waypoint
              listeners: [{name: mesh, port: 15008, protocol: HBONE}]
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: p
              namespace: shop
              labels: {istio.io/use-waypoint: wl}
            ---
            apiVersion: v1
            kind: Namespace
            metadata:
              name: team
              labels: {istio.io/use-waypoint: later, istio.io/dataplane-mode: ambient}
            """);
        warningOnly = run.Write("warning.yaml", """
            apiVersion: v1
            kind: Service
            metadata:
              name: s
              namespace: shop
              labels: {istio.io/use-waypoint: later}
            """);
    }

    public void Dispose() => run.Dispose();

    private static IEnumerable<string> Heads(string output) => AnalyzeRun.Lines(output).Select(l => string.Join(' ', l.Split(' ').Take(4)));

    [Fact]
    public async Task By_default_everything_is_printed_and_errors_fail()
    {
        var (exit, output, error) = await CliRunner.Run("analyze", "-f", both);

        Assert.Equal(1, exit);
        Assert.Equal(
            ["Error [UnsupportedTrafficType] (Pod shop/p", "Warning [NotInAmbient] (Pod shop/p", "Warning [WaypointIsNotReady] (Namespace team"],
            Heads(output));
        Assert.Equal("1 error, 2 warnings in 3 objects from 1 file\n", error);
    }

    [Fact]
    public async Task Warnings_alone_pass_by_default_and_fail_at_failure_threshold_warning()
    {
        Assert.Equal(0, (await CliRunner.Run("analyze", "-f", warningOnly)).Exit);
        Assert.Equal(1, (await CliRunner.Run("analyze", "-f", warningOnly, "--failure-threshold", "Warning")).Exit);
        Assert.Equal(0, (await CliRunner.Run("analyze", "-f", warningOnly, "--failure-threshold", "Error")).Exit);
    }

    [Fact]
    public async Task Output_threshold_error_hides_warnings_but_the_failure_threshold_still_sees_them()
    {
        var errorsOnly = await CliRunner.Run("analyze", "-f", both, "--output-threshold", "Error");
        Assert.Equal(1, errorsOnly.Exit);
        Assert.Equal(["Error [UnsupportedTrafficType] (Pod shop/p"], Heads(errorsOnly.Output));
        Assert.Equal("1 error, 2 warnings in 3 objects from 1 file\n", errorsOnly.Error);

        var (exit, output, _) = await CliRunner.Run("analyze", "-f", warningOnly, "--output-threshold", "Error", "--failure-threshold", "Warning");
        Assert.Equal(1, exit);
        Assert.Equal("No validation issues found.\n", output);
    }

    [Theory]
    [InlineData("--failure-threshold", "Info")]
    [InlineData("--output-threshold", "Fatal")]
    [InlineData("--failure-threshold", "7")]
    public async Task An_unknown_threshold_is_a_usage_error(string option, string value)
    {
        var (exit, output, error) = await CliRunner.Run("analyze", "-f", both, option, value);

        Assert.Equal(2, exit);
        Assert.Empty(output);
        Assert.StartsWith($"error: {option} must be Error or Warning, not \"{value}\"\n", error);
    }

    [Fact]
    public async Task Threshold_names_are_taken_in_any_case()
    {
        Assert.Equal(1, (await CliRunner.Run("analyze", "-f", warningOnly, "--failure-threshold", "warning")).Exit);
        Assert.Equal("No validation issues found.\n", (await CliRunner.Run("analyze", "-f", warningOnly, "--output-threshold", "ERROR")).Output);
    }

    [Theory]
    [InlineData("UnsupportedTrafficType=Pod shop/p", "Warning [NotInAmbient] (Pod shop/p|Warning [WaypointIsNotReady] (Namespace team", 0, "0 errors, 2 warnings", 1)]
    [InlineData("*=Pod shop/p", "Warning [WaypointIsNotReady] (Namespace team", 0, "0 errors, 1 warning", 2)]
    [InlineData("Not*=Pod s*/*", "Error [UnsupportedTrafficType] (Pod shop/p|Warning [WaypointIsNotReady] (Namespace team", 1, "1 error, 1 warning", 1)]
    [InlineData("WaypointIsNotReady=Namespace team", "Error [UnsupportedTrafficType] (Pod shop/p|Warning [NotInAmbient] (Pod shop/p", 1, "1 error, 1 warning", 1)]
    [InlineData("WaypointIsNotReady=Namespace t*", "Error [UnsupportedTrafficType] (Pod shop/p|Warning [NotInAmbient] (Pod shop/p", 1, "1 error, 1 warning", 1)]
    public async Task A_matching_suppression_removes_findings_and_the_summary_counts_them(string suppress, string shown, int exitCode, string counts, int suppressed)
    {
        var (exit, output, error) = await CliRunner.Run("analyze", "-f", both, "--suppress", suppress);

        Assert.Equal(exitCode, exit);
        Assert.Equal(shown.Split('|'), Heads(output));
        Assert.Equal($"{counts} in 3 objects from 1 file\n{suppressed} finding{(suppressed == 1 ? "" : "s")} suppressed\n", error);
    }

    [Theory]
    [InlineData("UnsupportedTrafficType=Pod other/p")] // another namespace
    [InlineData("UnsupportedTrafficType=Pod shop/q*")] // another name
    [InlineData("UnsupportedTrafficType=Service shop/p")] // another kind
    [InlineData("InvalidLabelValue=Pod shop/p")] // another reason
    [InlineData("WaypointIsNotReady=Namespace shop/team")] // a namespace part on a cluster-scoped object
    [InlineData("UnsupportedTrafficType=Pod p")] // no namespace part on a namespaced one
    public async Task A_suppression_that_does_not_match_suppresses_nothing(string suppress)
    {
        var (exit, output, error) = await CliRunner.Run("analyze", "-f", both, "--suppress", suppress);

        Assert.Equal(1, exit);
        Assert.Equal(3, AnalyzeRun.Lines(output).Length);
        Assert.Equal("1 error, 2 warnings in 3 objects from 1 file\n", error);
    }

    [Fact]
    public async Task Suppressions_repeat_and_add_up()
    {
        var (exit, output, error) = await CliRunner.Run("analyze", "-f", both, "--suppress", "UnsupportedTrafficType=Pod shop/p", "-S", "NotInAmbient=Pod shop/*", "--suppress", "*=Namespace *");

        Assert.Equal(0, exit);
        Assert.Equal("No validation issues found.\n", output);
        Assert.Equal("0 errors, 0 warnings in 3 objects from 1 file\n3 findings suppressed\n", error);
    }

    [Fact]
    public async Task The_annotation_suppresses_the_reasons_it_names_on_its_own_object_only()
    {
        var file = run.Write("annotated.yaml", """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: wl, namespace: shop}
            spec:
              gatewayClassName: istio-waypoint
              listeners: [{name: mesh, port: 15008, protocol: HBONE}]
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: p
              namespace: shop
              labels: {istio.io/use-waypoint: wl}
              annotations:
                waypoint.istio.io/analyze-suppress: "UnsupportedTrafficType, NotInAmbient"
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: q
              namespace: shop
              labels: {istio.io/use-waypoint: wl}
              annotations: {waypoint.istio.io/analyze-suppress: NotInAmbient}
            """);

        var (exit, output, error) = await CliRunner.Run("analyze", "-f", file);

        Assert.Equal(1, exit);
        Assert.Equal(["Error [UnsupportedTrafficType] (Pod shop/q"], Heads(output));
        Assert.Equal("1 error, 0 warnings in 3 objects from 1 file\n3 findings suppressed\n", error);
    }

    [Theory]
    [InlineData("UnsupportedTrafficType", "expected")]
    [InlineData("UnsupportedTrafficType=Pod", "expected")]
    [InlineData("UnsupportedTrafficType=Pod shop/p/x", "expected")]
    [InlineData("=Pod shop/p", "expected")]
    [InlineData("UnsupportedTrafficType Pod shop/p", "expected")]
    [InlineData("Unsupported=Pod shop/p", "Unsupported is not a reason code")]
    public async Task Invalid_suppression_syntax_exits_2_naming_the_argument(string suppress, string complaint)
    {
        var (exit, output, error) = await CliRunner.Run("analyze", "-f", both, "--suppress", suppress);

        Assert.Equal(2, exit);
        Assert.Empty(output);
        Assert.StartsWith($"error: --suppress \"{suppress}\": ", error);
        Assert.Contains(complaint, error);
    }
}
