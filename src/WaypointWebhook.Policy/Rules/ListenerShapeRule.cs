using FluentValidation;
using WaypointWebhook.Policy.Checks;
using WaypointWebhook.Policy.Findings;
using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Policy.Rules;

/// <summary>
/// G3: Istio's own waypoints (controllers <c>istio.io/mesh-controller</c> and
/// <c>istio.io/agentgateway-waypoint-controller</c>) serve exactly one listener, HBONE on 15008; istiod marks
/// any other listener <c>Accepted=False</c>.
/// </summary>
public static class ListenerShapeRule
{
    public static void Define(AbstractValidator<GatewayCheck> rules)
    {
        rules.RuleFor(c => c.Gateway.Listeners)
            .Must(listeners => listeners.Count == 1 && IsHbone(listeners[0]))
            .When(c => c.Controller is WaypointControllers.Mesh or WaypointControllers.AgentGateway)
            .Reports(
                "G3",
                ReasonCodes.UnexpectedListener,
                _ => Verdict.Warn,
                _ => "spec.listeners",
                _ => GatewayCheck.Scope,
                c => $"{c.Object}: a waypoint of {c.Controller} needs exactly one listener, HBONE on port 15008; " +
                     $"{Describe(c.Gateway.Listeners)}. Fix: use one listener {{name: mesh, port: 15008, protocol: HBONE}}.");
    }

    private static bool IsHbone(ListenerInfo listener) =>
        listener.Port == ListenerProtocols.HbonePort && listener.Protocol == ListenerProtocols.Hbone;

    private static string Describe(IReadOnlyList<ListenerInfo> listeners)
    {
        var hbone = listeners.Count(IsHbone);
        return hbone == 0
            ? $"it has {listeners.Count} listener(s) and none is HBONE/15008"
            : $"it has {listeners.Count - 1} other listener(s) beside it, which istiod marks Accepted=False";
    }
}
