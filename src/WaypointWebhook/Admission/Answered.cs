using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Admission;

/// <summary>An AdmissionReview answer, with what logs and metrics need.</summary>
/// <param name="Evaluated">False for what the webhook allows without reading (unknown kinds, DELETE, CONNECT).</param>
public sealed record Answered(
    RequestIdentity Request,
    AdmissionReviewResponse Review,
    IReadOnlyList<Finding> Denials,
    IReadOnlyList<Finding> Warnings,
    bool Evaluated) : AdmissionOutcome
{
    public string Verdict => Denials.Count > 0 ? "denied" : Warnings.Count > 0 ? "warned" : "allowed";

    public bool Patched => Review.Response.Patch is not null;
}
