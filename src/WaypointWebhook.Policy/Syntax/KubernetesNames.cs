namespace WaypointWebhook.Policy.Syntax;

/// <summary>
/// Kubernetes name and label syntax (apimachinery's validation package), written as loops rather
/// than regular expressions: they run on every admission.
/// </summary>
public static class KubernetesNames
{
    public const int MaxLabelLength = 63;
    public const int MaxSubdomainLength = 253;

    /// <summary>A DNS-1123 label: a namespace name.</summary>
    public static bool IsDns1123Label(string? value) =>
        value is { Length: > 0 and <= MaxLabelLength } && IsDnsLabelPart(value.AsSpan());

    /// <summary>A DNS-1123 subdomain of at most <paramref name="maxLength"/> characters.</summary>
    public static bool IsDns1123Subdomain(string? value, int maxLength = MaxSubdomainLength)
    {
        if (value is null || value.Length == 0 || value.Length > maxLength)
        {
            return false;
        }

        foreach (var part in value.AsSpan().Split('.'))
        {
            if (!IsDnsLabelPart(value.AsSpan()[part]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A label value: empty, or at most 63 alphanumerics with <c>-_.</c> inside.</summary>
    public static bool IsLabelValue(string? value) =>
        value is not null && (value.Length == 0 || (value.Length <= MaxLabelLength && IsQualifiedNamePart(value.AsSpan())));

    /// <summary>A label key: an optional DNS-1123 subdomain prefix and <c>/</c>, then a name of at most 63 characters.</summary>
    public static bool IsLabelKey(string? key)
    {
        if (string.IsNullOrEmpty(key))
        {
            return false;
        }

        var slash = key.IndexOf('/');
        if (slash < 0)
        {
            return key.Length <= MaxLabelLength && IsQualifiedNamePart(key.AsSpan());
        }

        var prefix = key[..slash];
        var name = key.AsSpan(slash + 1);
        return IsDns1123Subdomain(prefix) && name.Length is > 0 and <= MaxLabelLength && IsQualifiedNamePart(name);
    }

    private static bool IsDnsLabelPart(ReadOnlySpan<char> s)
    {
        if (s.Length == 0 || !IsLowerAlnum(s[0]) || !IsLowerAlnum(s[^1]))
        {
            return false;
        }

        foreach (var c in s)
        {
            if (!IsLowerAlnum(c) && c != '-')
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsQualifiedNamePart(ReadOnlySpan<char> s)
    {
        if (s.Length == 0 || !char.IsAsciiLetterOrDigit(s[0]) || !char.IsAsciiLetterOrDigit(s[^1]))
        {
            return false;
        }

        foreach (var c in s)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsLowerAlnum(char c) => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c);
}
