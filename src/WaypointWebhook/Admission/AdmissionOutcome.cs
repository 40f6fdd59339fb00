using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Admission;

/// <summary>The outcome of one admission call: an answer for the API server, or a bad request.</summary>
public abstract record AdmissionOutcome;
