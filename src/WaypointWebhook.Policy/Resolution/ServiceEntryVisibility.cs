using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Policy.Resolution;

/// <summary>
/// A mirror of istiod's meshConfig <c>serviceEntryVisibility</c> (<c>pilot/pkg/model/serviceentry_visibility.go</c>):
/// the first policy whose namespace selector matches the ServiceEntry's namespace labels decides, else the
/// default. Configured by the operator (the webhook cannot read meshConfig); absent, W14 is not checked.
/// </summary>
public sealed record ServiceEntryVisibility(string Default, IReadOnlyList<VisibilityPolicy> Policies)
{
    public const string Public = "PUBLIC";
    public const string Namespace = "NAMESPACE";
    public const string None = "NONE";

    public static bool IsKnown(string? value) => value is Public or Namespace or None;

    public string For(IReadOnlyDictionary<string, string> namespaceLabels)
    {
        foreach (var policy in Policies)
        {
            // A policy without a selector has no matcher and matches every namespace, as an empty rule list does in istiod.
            if (policy.NamespaceSelector is null || LabelSelectors.Matches(policy.NamespaceSelector, namespaceLabels))
            {
                return policy.Visibility;
            }
        }

        return Default;
    }
}
