namespace WaypointWebhook.Admission;

/// <summary>What one admission request may cost: its body's size and the time its body may take to arrive.</summary>
public sealed record AdmissionLimits(long MaxRequestBodyBytes, TimeSpan BodyTimeout);
