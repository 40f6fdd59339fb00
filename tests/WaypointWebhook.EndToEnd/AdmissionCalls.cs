using WaypointWebhook.Testing;

namespace WaypointWebhook.EndToEnd;

/// <summary>
/// Admission requests counted on both sides: the webhook's own metrics and the API server's
/// <c>apiserver_admission_webhook_request_total</c> for the shipped webhooks (names ending in
/// <c>.waypoint.istio.io</c>), so a test can tell that a write did or did not reach the webhook.
/// </summary>
public static class AdmissionCalls
{
    private const string ApiServerSeries = "apiserver_admission_webhook_request_total";

    /// <summary>Requests the webhook answered (admitted and refused) and calls the API server made to the shipped webhooks.</summary>
    public static async Task<(double Webhook, double ApiServer)> Count(LocalCluster cluster)
    {
        var webhook = await cluster.MetricSum("waypoint_webhook_admission_requests_total") + await cluster.MetricSum("waypoint_webhook_bad_requests_total");
        return (webhook, MetricsScrape.Sum(cluster.Ok("get", "--raw", "/metrics"), ApiServerSeries, ".waypoint.istio.io\""));
    }

    /// <summary>Calls the API server made to one webhook of the configurations, by its name.</summary>
    public static double ApiServerCallsTo(LocalCluster cluster, string webhookName) =>
        MetricsScrape.Sum(cluster.Ok("get", "--raw", "/metrics"), ApiServerSeries, $"name=\"{webhookName}\"");
}
