using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace WaypointWebhook.Tests.Hostile;

/// <summary>Reviews the API server can forward, built as bytes (fast enough for 125,000 endpoints).</summary>
public static class HostileBodies
{
    /// <summary>A ServiceEntry CREATE whose endpoints all carry the labels <paramref name="endpointLabels"/>(i).</summary>
    public static byte[] ServiceEntry(string uid, string name, int endpoints, Func<int, string> endpointLabels, string ns = "default")
    {
        var text = new StringBuilder(64 + endpoints * 64);
        var quotedName = JsonSerializer.Serialize(name);
        text.Append("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"").Append(uid)
            .Append("\",\"kind\":{\"group\":\"networking.istio.io\",\"version\":\"v1\",\"kind\":\"ServiceEntry\"},")
            .Append("\"resource\":{\"group\":\"networking.istio.io\",\"version\":\"v1\",\"resource\":\"serviceentries\"},")
            .Append("\"name\":").Append(quotedName).Append(",\"namespace\":\"").Append(ns).Append("\",\"operation\":\"CREATE\",\"userInfo\":{\"username\":\"admin\"},")
            .Append("\"object\":{\"apiVersion\":\"networking.istio.io/v1\",\"kind\":\"ServiceEntry\",\"metadata\":{\"name\":").Append(quotedName)
            .Append(",\"namespace\":\"").Append(ns).Append("\"},\"spec\":{\"hosts\":[\"x.example.com\"],\"endpoints\":[");
        for (var i = 0; i < endpoints; i++)
        {
            text.Append(i > 0 ? "," : string.Empty).Append("{\"address\":\"e").Append(i.ToString("x"))
                .Append("\",\"labels\":").Append(endpointLabels(i)).Append('}');
        }

        text.Append("]}}}}");
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    public static string UseWaypoint(string value) => "{\"istio.io/use-waypoint\":" + JsonSerializer.Serialize(value) + "}";

    /// <summary>A Pod CREATE review with the given name and labels (any string, hostile ones included).</summary>
    public static JsonObject Pod(string uid, string ns, string name, params (string Key, string Value)[] labels) =>
        Reviews.PodReview(uid, ns, name, labels);

    /// <summary>A Gateway (waypoint class) whose HBONE listener has <c>from: Selector</c> with <paramref name="selector"/>.</summary>
    public static JsonObject GatewayWithSelector(string uid, JsonObject selector)
    {
        var gateway = Reviews.Gateway("default", "wp");
        gateway["spec"]!["listeners"]![0]!["allowedRoutes"] = new JsonObject { ["namespaces"] = new JsonObject { ["from"] = "Selector", ["selector"] = selector } };
        return Reviews.Review(uid, "gateway.networking.k8s.io", "v1", "Gateway", "default", "wp", "CREATE", gateway);
    }
}
