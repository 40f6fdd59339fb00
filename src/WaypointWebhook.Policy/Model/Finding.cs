namespace WaypointWebhook.Policy.Model;

/// <summary>
/// One thing the policy found about an object.
/// </summary>
/// <param name="Rule">The spec's rule id (W1..W11, G1..G3), for tests and logs.</param>
/// <param name="Reason">The reason code users see.</param>
/// <param name="Field">The field the finding is about, e.g. <c>metadata.labels[istio.io/use-waypoint]</c>.</param>
/// <param name="Scope">What must change on UPDATE for the finding to keep its deny (see <see cref="ChangeDetector"/>).</param>
public sealed record Finding(string Rule, string Reason, Verdict Verdict, string Field, string Message, string Scope)
{
    public Finding AsWarning() => this with { Verdict = Verdict.Warn };
}
