using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Policy;

/// <summary>The policy's answer to one admission: the findings that deny and those that only warn.</summary>
public sealed record PolicyDecision(IReadOnlyList<Finding> Denials, IReadOnlyList<Finding> Warnings)
{
    public static readonly PolicyDecision Allow = new([], []);

    public bool Allowed => Denials.Count == 0;
}
