using WaypointWebhook.Objects;
using WaypointWebhook.Policy;

namespace WaypointWebhook.Admission;

/// <summary>
/// A review that is an AdmissionReview v1 of a kind the webhook judges, checked: a uid, a known operation,
/// an object. What the rest of the handler reads, with nothing left to assert.
/// </summary>
public sealed record AdmissionEnvelope(RequestIdentity Identity, Operation Operation, HandledKind Kind, KubeObject Object, KubeObject? OldObject);
