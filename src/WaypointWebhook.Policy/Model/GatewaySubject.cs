namespace WaypointWebhook.Policy.Model;

/// <param name="MadeByController">An owner reference with <c>controller: true</c>: what it changes only warns (spec section 2), nobody applied it who could be told.</param>
public sealed record GatewaySubject(GatewayInfo Gateway, bool MadeByController = false) : Subject(new ObjectRef("Gateway", Gateway.Namespace, Gateway.Name));
