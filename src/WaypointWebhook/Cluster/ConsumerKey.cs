using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Cluster;

/// <summary>One consumer in the index: a Pod and a Service may share a namespace and name.</summary>
public readonly record struct ConsumerKey(SubjectKind Kind, ObjectKey Key);
