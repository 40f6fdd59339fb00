using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Policy;

/// <summary>Why a consumer is not bound: the first unbinding finding (<see cref="UnbindingRules"/>) and the traffic its enrollment needs.</summary>
public sealed record Unbinding(Finding Finding, TrafficNeed Needs)
{
    public string Rule => Finding.Rule;

    public string Reason => Finding.Reason;
}
