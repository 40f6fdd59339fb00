namespace WaypointWebhook.Policy.Model;

public sealed record GatewaySubject(GatewayInfo Gateway) : Subject(new ObjectRef("Gateway", Gateway.Namespace, Gateway.Name));
