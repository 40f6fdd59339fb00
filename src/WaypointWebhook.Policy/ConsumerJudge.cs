using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Policy;

/// <summary>
/// Judges consumers against one view, once per equivalence class (<see cref="ConsumerClassKey"/>): the reverse
/// check of a Gateway with 10,000 Pods of a few Deployments costs a few evaluations, not 20,000. One judge per
/// view and per pass; not shared between threads.
/// </summary>
internal sealed class ConsumerJudge(WaypointPolicy policy, IClusterView view)
{
    private readonly Dictionary<string, ConsumerState> classes = new(StringComparer.Ordinal);

    public IClusterView View => view;

    /// <param name="key">The consumer's <see cref="ConsumerClassKey"/>, computed once by callers that judge it in two views.</param>
    public ConsumerState Judge(EnrollingSubject consumer, string key)
    {
        if (!classes.TryGetValue(key, out var state))
        {
            state = policy.Judge(consumer, view, withMessages: false);
            classes.Add(key, state);
        }

        return state;
    }
}
