using System.Text.RegularExpressions;

namespace WaypointWebhook.Testing;

/// <summary>
/// The label selectors <see cref="FakeApiServer"/> understands: equality-based requirements joined by
/// commas (<c>key</c>, <c>!key</c>, <c>key=value</c>, <c>key==value</c>, <c>key!=value</c>), as the API
/// server reads them. Set-based (<c>in</c>, <c>notin</c>) and numeric (<c>&lt;</c>, <c>&gt;</c>) selectors, and
/// malformed keys or values, are refused with a <see cref="FormatException"/> (the server answers 400), so
/// a test never passes on a selector the fake silently misread.
/// </summary>
public sealed partial class FakeLabelSelector
{
    public static readonly FakeLabelSelector Everything = new([]);

    private readonly IReadOnlyList<Requirement> requirements;

    private FakeLabelSelector(IReadOnlyList<Requirement> requirements) => this.requirements = requirements;

    public static FakeLabelSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        if (text.IndexOfAny(['(', ')', '<', '>']) >= 0 || SetBased().IsMatch(text))
        {
            throw new FormatException($"unable to parse requirement: set-based and numeric selectors are not supported by the fake API server: \"{text}\"");
        }

        var requirements = new List<Requirement>();
        foreach (var raw in text.Split(','))
        {
            var term = raw.Trim();
            Requirement requirement;
            if (term.StartsWith('!'))
            {
                requirement = new Requirement(Key(term[1..].Trim(), text), Op.NotExists, null);
            }
            else if (term.IndexOf("!=", StringComparison.Ordinal) is var ne and >= 0)
            {
                requirement = new Requirement(Key(term[..ne].Trim(), text), Op.NotEquals, Value(term[(ne + 2)..].Trim(), text));
            }
            else if (term.IndexOf('=') is var eq and >= 0)
            {
                var value = term[(eq + 1)..];
                requirement = new Requirement(Key(term[..eq].Trim(), text), Op.Equals, Value((value.StartsWith('=') ? value[1..] : value).Trim(), text));
            }
            else
            {
                requirement = new Requirement(Key(term, text), Op.Exists, null);
            }

            requirements.Add(requirement);
        }

        return new FakeLabelSelector(requirements);
    }

    public bool Matches(IReadOnlyDictionary<string, string>? labels)
    {
        foreach (var (key, op, value) in requirements)
        {
            string? found = null;
            var has = labels?.TryGetValue(key, out found) == true;
            var ok = op switch
            {
                Op.Exists => has,
                Op.NotExists => !has,
                Op.Equals => has && found == value,
                _ => !has || found != value,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static string Key(string key, string text) =>
        QualifiedName().IsMatch(key) && key.Length <= 316
            ? key
            : throw new FormatException($"unable to parse requirement: invalid label key \"{key}\" in \"{text}\"");

    private static string Value(string value, string text) =>
        LabelValue().IsMatch(value) && value.Length <= 63
            ? value
            : throw new FormatException($"unable to parse requirement: invalid label value \"{value}\" in \"{text}\"");

    [GeneratedRegex(@"\s(in|notin)\s", RegexOptions.CultureInvariant)]
    private static partial Regex SetBased();

    [GeneratedRegex(@"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex QualifiedName();

    [GeneratedRegex(@"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex LabelValue();

    private enum Op
    {
        Exists,
        NotExists,
        Equals,
        NotEquals,
    }

    private sealed record Requirement(string Key, Op Op, string? Value);
}
