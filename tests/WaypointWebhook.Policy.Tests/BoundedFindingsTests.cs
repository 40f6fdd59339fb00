using System.Text;
using WaypointWebhook.Policy.Messages;
using WaypointWebhook.Policy.Model;
using static WaypointWebhook.Policy.Tests.Subjects;

namespace WaypointWebhook.Policy.Tests;

/// <summary>
/// Spec sections 4 and 8: identical ServiceEntry endpoint findings are reported once with the endpoints'
/// indexes and count; messages are written only for the findings an answer shows; user text is never a
/// template and never breaks a line.
/// </summary>
public sealed class BoundedFindingsTests
{
    private static readonly WaypointPolicy Policy = PolicyAssertions.Policy;

    private static TestCluster Cluster() =>
        TestCluster.WithIstioClasses().Namespace("default", Map([Ambient])).Waypoint("default", "waypoint");

    private static (string, string)[][] Endpoints(int count, Func<int, (string, string)[]> labels) => Enumerable.Range(0, count).Select(labels).ToArray();

    [Fact]
    public void Identical_endpoint_findings_are_one_finding_with_the_index_range()
    {
        var subject = ServiceEntry("default", "se", [], Endpoints(5, _ => [UseWaypoint("None")]));

        var findings = Policy.Evaluate(subject, Cluster());

        Assert.Equal(["W1 InvalidLabelValue Deny spec.endpoints[0..4].labels[istio.io/use-waypoint]"], findings.Summarize());
        Assert.StartsWith("ServiceEntry default/se spec.endpoints[0..4].labels: label istio.io/use-waypoint=\"None\" is not a valid waypoint name", findings[0].Message);
    }

    [Fact]
    public void Scattered_endpoints_name_eight_runs_and_then_the_count()
    {
        var subject = ServiceEntry("default", "se", [], Endpoints(40, i => i % 2 == 0 ? [UseWaypoint("None")] : [("app", "x")]));

        var finding = Assert.Single(Policy.Evaluate(subject, Cluster()));

        Assert.Equal("spec.endpoints[0,2,4,6,8,10,12,14,… 20 endpoints].labels[istio.io/use-waypoint]", finding.Field);
    }

    [Fact]
    public void On_update_changed_and_unchanged_endpoints_are_grouped_apart()
    {
        var before = ServiceEntry("default", "se", [], Endpoints(5, i => i < 3 ? [UseWaypoint("None")] : []));
        var after = ServiceEntry("default", "se", [], Endpoints(5, _ => [UseWaypoint("None")]));

        var decision = Policy.Review(Operation.Update, after, before, Cluster());

        Assert.Equal(["W1 InvalidLabelValue Deny spec.endpoints[3,4].labels[istio.io/use-waypoint]"], decision.Denials.Summarize());
        Assert.Equal(["W1 InvalidLabelValue Warn spec.endpoints[0..2].labels[istio.io/use-waypoint]"], decision.Warnings.Summarize());
    }

    [Fact]
    public void Findings_beyond_what_an_answer_shows_are_counted_without_messages()
    {
        var subject = ServiceEntry("default", "se", [], Endpoints(100, i => [UseWaypoint("Bad_" + i)]));

        var decision = Policy.Review(Operation.Create, subject, null, Cluster());

        Assert.Equal(100, decision.Denials.Count);
        Assert.All(decision.Denials.Take(AnswerBounds.MaxDenialsShown), d => Assert.StartsWith("ServiceEntry default/se spec.endpoints[", d.Message));
        Assert.All(decision.Denials.Skip(AnswerBounds.MaxDenialsShown), d => Assert.Equal(string.Empty, d.Message));
    }

    [Fact]
    public void Placeholders_in_user_text_are_kept_as_they_are()
    {
        var finding = Assert.Single(Policy.Evaluate(Pod("default", "p-{PropertyName}-{PropertyValue}", UseWaypoint("{PropertyValue}")), Cluster()));

        Assert.StartsWith("Pod default/p-{PropertyName}-{PropertyValue}: label istio.io/use-waypoint=\"{PropertyValue}\" is not a valid waypoint name", finding.Message);
    }

    [Fact]
    public void Names_are_clipped_and_made_one_line_in_messages()
    {
        var finding = Assert.Single(Policy.Evaluate(Pod("default", "a\u2028b\u0085" + new string('n', 500), UseWaypoint("None")), Cluster()));

        Assert.StartsWith($"Pod default/a\\u2028b\\u0085{new string('n', 128 - 14 - 1)}…: label", finding.Message);
    }
}

public sealed class SafeTextTests
{
    [Theory]
    [InlineData("a\nb", "a\\u000ab")]
    [InlineData("a\u0085b", "a\\u0085b")]
    [InlineData("a\u009b31m", "a\\u009b31m")]
    [InlineData("a\u2028b\u2029c", "a\\u2028b\\u2029c")]
    [InlineData("\u202eevil", "\\u202eevil")]
    [InlineData("\u2066x\u2069", "\\u2066x\\u2069")]
    [InlineData("bom\ufeff", "bom\\ufeff")]
    [InlineData("nul\0", "nul\\u0000")]
    [InlineData("del\u007f", "del\\u007f")]
    [InlineData("tag\U000E0001", "tag\\U000e0001")]
    public void Line_breaking_and_terminal_characters_are_escaped(string text, string expected) =>
        Assert.Equal(expected, SafeText.OneLine(text));

    [Fact]
    public void A_lone_surrogate_is_escaped() => Assert.Equal("lone\\ud800 and \\udc00", SafeText.OneLine("lone\ud800 and \udc00"));

    [Theory]
    [InlineData("plain ascii")]
    [InlineData("é ü 名前")]
    [InlineData("👩‍💻 and 🇫🇷 and 🏴\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F")]
    public void Text_that_is_one_line_is_left_alone(string text)
    {
        Assert.True(SafeText.IsOneLine(text));
        Assert.Same(text, SafeText.Clip(text, 1000));
    }

    [Fact]
    public void A_cut_falls_between_text_elements_and_ends_with_an_ellipsis()
    {
        var text = string.Concat(Enumerable.Repeat("👩‍💻", 10)); // 5 UTF-16 units each

        Assert.Equal("👩‍💻👩‍💻…", SafeText.Clip(text, 12));
        Assert.Equal("👩‍💻👩‍💻👩‍💻…", SafeText.Clip(text, 16));
        Assert.Equal(text, SafeText.Clip(text, 50));
        Assert.Equal("ab…", SafeText.Clip("abcdef", 3));
        Assert.Equal("abc", SafeText.Clip("abc", 3));
    }

    [Fact]
    public void A_huge_text_element_is_cut_before_it_without_being_copied()
    {
        var zalgo = "x" + new string('\u0301', 1_000_000);

        Assert.Equal("a…", SafeText.Clip("a" + zalgo, 10));
    }
}
