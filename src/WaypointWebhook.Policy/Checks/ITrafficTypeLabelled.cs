using WaypointWebhook.Policy.Model;
using WaypointWebhook.Policy.Resolution;

namespace WaypointWebhook.Policy.Checks;

/// <summary>What G1 reads from a Gateway or a GatewayClass alike.</summary>
public interface ITrafficTypeLabelled
{
    ObjectRef Object { get; }

    /// <summary>The <c>istio.io/waypoint-for</c> label, null when absent.</summary>
    string? WaypointFor { get; }

    /// <summary>A waypoint Gateway, or a GatewayClass of a waypoint controller: where G1 denies (elsewhere it warns).</summary>
    bool IsWaypoint { get; }
}
