namespace WaypointWebhook.Admission;

/// <summary>Which request an answer is for, as logs and metrics name it.</summary>
/// <param name="Kind">The object's kind (the request's <c>kind.kind</c>); empty when the request named none.</param>
public sealed record RequestIdentity(string Uid, string Kind, string? Namespace, string? Name, string Operation, bool DryRun);
