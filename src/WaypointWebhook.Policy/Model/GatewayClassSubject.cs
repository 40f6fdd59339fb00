namespace WaypointWebhook.Policy.Model;

/// <param name="MadeByController">An owner reference with <c>controller: true</c>: what it changes only warns (spec section 2).</param>
public sealed record GatewayClassSubject(GatewayClassInfo GatewayClass, bool MadeByController = false) : Subject(new ObjectRef("GatewayClass", null, GatewayClass.Name));
