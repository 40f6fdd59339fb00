using System.Text;
using WaypointWebhook.Admission;
using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Tests.Admission;

/// <summary>Spec section 8's bounds on the answer text, whatever the number and size of the findings.</summary>
public sealed class AdmissionMessagesTests
{
    private static Finding Finding(int i, string message) => new("W1", "InvalidLabelValue", Verdict.Deny, $"f{i}", message, "s");

    [Fact]
    public void The_deny_message_stays_within_4_KiB_of_UTF8_and_counts_the_rest()
    {
        // Two-byte characters: a bound in characters would let the message reach 8 KiB.
        var denials = Enumerable.Range(0, 100).Select(i => Finding(i, new string('é', 1000))).ToList();

        var message = AdmissionMessages.DenyMessage(denials);

        Assert.InRange(Encoding.UTF8.GetByteCount(message), 3000, 4096);
        Assert.EndsWith(" … and 98 more", message);
        Assert.StartsWith("[InvalidLabelValue] ééé", message);
    }

    [Fact]
    public void Sixteen_short_denials_are_shown_then_the_count()
    {
        var message = AdmissionMessages.DenyMessage(Enumerable.Range(0, 40).Select(i => Finding(i, "m" + i)).ToList());

        Assert.Equal(string.Join(' ', Enumerable.Range(0, 16).Select(i => $"[InvalidLabelValue] m{i}")) + " … and 24 more", message);
    }

    [Fact]
    public void Warnings_are_at_most_16_of_256_characters_and_4096_in_all()
    {
        var warnings = AdmissionMessages.Warnings(Enumerable.Range(0, 100).Select(i => Finding(i, new string('w', 400))).ToList());

        Assert.Equal(16, warnings.Count);
        Assert.All(warnings.Take(15), w => Assert.Equal(256, w.Length));
        Assert.Equal("… and 85 more warnings", warnings[^1]);
        Assert.InRange(warnings.Sum(w => w.Length), 1, 4096);
    }

    [Fact]
    public void Few_warnings_are_all_shown()
    {
        Assert.Equal(["[InvalidLabelValue] a", "[InvalidLabelValue] b"], AdmissionMessages.Warnings([Finding(0, "a"), Finding(1, "b")]));
    }

    /// <summary>What a piece of the answer is by definition: reason and message each made one line by SafeText and cut within the length.</summary>
    private static string Reference(Finding finding, int maxLength)
    {
        var text = new StringBuilder();
        text.Append('[');
        WaypointWebhook.Policy.Messages.SafeText.Append(text, finding.Reason, 64);
        text.Append("] ");
        WaypointWebhook.Policy.Messages.SafeText.Append(text, finding.Message, maxLength - text.Length);
        return text.ToString();
    }

    [Theory]
    [InlineData("plain ASCII that fits")]
    [InlineData("exactly at the bound")]
    [InlineData("quotes “like these” and é, 日本, 👩‍👩‍👧 fit unchanged")]
    [InlineData("a line\nbreak and a \u202e bidi override are escaped")]
    [InlineData("\ud800 lone surrogate")]
    [InlineData("long")]
    [InlineData("long emoji")]
    public void A_warning_is_what_SafeText_makes_of_reason_and_message_on_the_fast_path_and_off_it(string message)
    {
        // Around the bound: the piece just fits, is one character over, or far over (cut on a text element).
        var fill = message switch
        {
            "exactly at the bound" => new string('x', AdmissionMessages.MaxWarningLength - "[InvalidLabelValue] ".Length),
            "long" => new string('y', 1000),
            "long emoji" => string.Concat(Enumerable.Repeat("👩‍👩‍👧", 100)),
            _ => message,
        };

        foreach (var text in new[] { fill, fill + "z", fill[..^1] })
        {
            var finding = Finding(0, text);
            Assert.Equal(Reference(finding, AdmissionMessages.MaxWarningLength), AdmissionMessages.Warning(finding));
            Assert.Equal(Reference(finding, AdmissionMessages.MaxDenialLength), AdmissionMessages.DenyMessage([finding]));
        }
    }
}
