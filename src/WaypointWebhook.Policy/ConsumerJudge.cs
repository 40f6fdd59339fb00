using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Policy;

/// <summary>
/// Judges consumers in one or more views (before and after a change), once per equivalence class
/// (<see cref="ConsumerClassKey"/>): the reverse check of a Gateway with 10,000 Pods of a few Deployments costs a
/// few evaluations, not 20,000. One judge per pass; not shared between threads.
/// </summary>
internal sealed class ConsumerJudge(WaypointPolicy policy, params IClusterView[] views)
{
    private readonly Dictionary<ConsumerClassKey, ConsumerState[]> classes = [];

    /// <summary>How the consumer fares in each view, in the order the views were given.</summary>
    public ConsumerState[] Judge(EnrollingSubject consumer)
    {
        var key = new ConsumerClassKey(consumer);
        if (!classes.TryGetValue(key, out var states))
        {
            states = new ConsumerState[views.Length];
            for (var i = 0; i < views.Length; i++)
            {
                states[i] = policy.Judge(consumer, views[i], withMessages: false);
            }

            classes.Add(key, states);
        }

        return states;
    }
}
