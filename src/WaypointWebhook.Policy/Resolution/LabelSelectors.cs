using WaypointWebhook.Policy.Messages;
using WaypointWebhook.Policy.Model;
using WaypointWebhook.Policy.Rules;
using WaypointWebhook.Policy.Syntax;

namespace WaypointWebhook.Policy.Resolution;

/// <summary>Kubernetes label selector semantics (apimachinery <c>LabelSelectorAsSelector</c>).</summary>
public static class LabelSelectors
{
    /// <summary>
    /// Whether <paramref name="selector"/> matches <paramref name="labels"/>. An absent selector matches
    /// nothing, <c>{}</c> matches everything, and an invalid selector matches nothing (istiod fails to
    /// convert it and allows no namespace).
    /// </summary>
    public static bool Matches(LabelSelector? selector, IReadOnlyDictionary<string, string> labels)
    {
        if (selector is null || Problem(selector) is not null)
        {
            return false;
        }

        if (selector.MatchLabels is { } matchLabels)
        {
            foreach (var (key, value) in matchLabels)
            {
                if (!labels.TryGetValue(key, out var actual) || actual != (value ?? string.Empty))
                {
                    return false;
                }
            }
        }

        foreach (var requirement in selector.MatchExpressions ?? [])
        {
            var present = labels.TryGetValue(requirement.Key ?? string.Empty, out var actual);
            var matched = requirement.Operator switch
            {
                "In" => present && requirement.Values?.Contains(actual) == true,
                "NotIn" => !present || requirement.Values?.Contains(actual) != true,
                "Exists" => present,
                _ => !present, // DoesNotExist: Problem() has ruled out every other operator
            };
            if (!matched)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Why the selector is invalid, or null when it is valid. Keys, values and operators are the user's: quoted with <see cref="Text.Quote"/>.</summary>
    public static string? Problem(LabelSelector selector)
    {
        foreach (var (key, value) in selector.MatchLabels ?? new Dictionary<string, string?>())
        {
            if (!KubernetesNames.IsLabelKey(key))
            {
                return $"matchLabels key \"{Text.Quote(key)}\" is not a valid label key";
            }

            if (!KubernetesNames.IsLabelValue(value ?? string.Empty))
            {
                return $"matchLabels value \"{Text.Quote(value)}\" for key \"{Text.Quote(key)}\" is not a valid label value";
            }
        }

        var index = 0;
        foreach (var requirement in selector.MatchExpressions ?? [])
        {
            var where = $"matchExpressions[{index++}]";
            if (!KubernetesNames.IsLabelKey(requirement.Key))
            {
                return $"{where} key \"{Text.Quote(requirement.Key)}\" is not a valid label key";
            }

            var values = requirement.Values ?? [];
            switch (requirement.Operator)
            {
                case "In" or "NotIn":
                    if (values.Count == 0)
                    {
                        return $"{where} operator {requirement.Operator} needs at least one value";
                    }

                    var bad = values.FirstOrDefault(v => !KubernetesNames.IsLabelValue(v));
                    if (bad is not null || values.Any(v => v is null))
                    {
                        return $"{where} value \"{Text.Quote(bad)}\" is not a valid label value";
                    }

                    break;
                case "Exists" or "DoesNotExist":
                    if (values.Count != 0)
                    {
                        return $"{where} operator {requirement.Operator} takes no values";
                    }

                    break;
                default:
                    return $"{where} operator \"{Text.Quote(requirement.Operator)}\" is not one of In, NotIn, Exists, DoesNotExist";
            }
        }

        return null;
    }
}
