namespace WaypointWebhook.Policy.Model;

public sealed record GatewayClassSubject(GatewayClassInfo GatewayClass) : Subject(new ObjectRef("GatewayClass", null, GatewayClass.Name));
