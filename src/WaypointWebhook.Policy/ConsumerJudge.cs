using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Policy;

/// <summary>
/// Judges consumers in one or more views (after and before a change), once per equivalence class
/// (<see cref="ConsumerClassKey"/>) and per view, and only in the views asked about: the reverse check of a
/// Gateway with 10,000 Pods of a few Deployments costs a few evaluations, not 20,000, and a class the change
/// leaves bound is never judged in the view before it. One judge per pass; not shared between threads.
/// </summary>
internal sealed class ConsumerJudge(WaypointPolicy policy, params IClusterView[] views)
{
    private readonly Dictionary<ConsumerClassKey, ConsumerState?[]> classes = [];

    /// <summary>The class of <paramref name="consumer"/>, whose states are judged when first asked for.</summary>
    public Class ClassOf(EnrollingSubject consumer)
    {
        var key = new ConsumerClassKey(consumer);
        if (!classes.TryGetValue(key, out var states))
        {
            states = new ConsumerState?[views.Length];
            classes.Add(key, states);
        }

        return new Class(this, key.Consumer, states);
    }

    private ConsumerState Judge(EnrollingSubject representative, int index) => policy.Judge(representative, views[index], withMessages: false);

    /// <summary>One class: its first consumer and what it was judged to be in each view so far.</summary>
    public readonly struct Class(ConsumerJudge judge, EnrollingSubject representative, ConsumerState?[] states)
    {
        /// <summary>How the class fares in the view at <paramref name="index"/> (the order the views were given).</summary>
        public ConsumerState In(int index) => states[index] ??= judge.Judge(representative, index);
    }
}
