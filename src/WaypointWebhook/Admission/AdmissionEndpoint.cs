namespace WaypointWebhook.Admission;

public enum AdmissionEndpoint
{
    Validate,
    Mutate,
}
