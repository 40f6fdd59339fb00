using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Policy.Resolution;

/// <summary>The labels a namespace is judged by (an allowedRoutes selector, a visibility policy).</summary>
public static class NamespaceLabels
{
    /// <summary>A namespace's labels with <c>kubernetes.io/metadata.name</c>, which the API server sets on every namespace.</summary>
    public static IReadOnlyDictionary<string, string> WithName(IReadOnlyDictionary<string, string>? labels, string @namespace)
    {
        if (labels is not null && labels.TryGetValue(WaypointLabels.NamespaceName, out var name) && name == @namespace)
        {
            return labels;
        }

        var withName = labels is null ? new Dictionary<string, string>(1) : new Dictionary<string, string>(labels);
        withName[WaypointLabels.NamespaceName] = @namespace;
        return withName;
    }
}
