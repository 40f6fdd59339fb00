using System.Text.Json.Nodes;
using WaypointWebhook.Testing;

namespace WaypointWebhook.Tests;

/// <summary>AdmissionReview bodies as the API server sends them.</summary>
public static class Reviews
{
    public static string RepoRoot => RepoPaths.Root;

    public static JsonObject Review(string uid, string group, string version, string kind, string? ns, string name, string operation, JsonNode? obj, JsonNode? oldObj = null, bool dryRun = false) =>
        new()
        {
            ["apiVersion"] = "admission.k8s.io/v1",
            ["kind"] = "AdmissionReview",
            ["request"] = new JsonObject
            {
                ["uid"] = uid,
                ["kind"] = new JsonObject { ["group"] = group, ["version"] = version, ["kind"] = kind },
                ["resource"] = new JsonObject { ["group"] = group, ["version"] = version, ["resource"] = kind.ToLowerInvariant() + "s" },
                ["name"] = name,
                ["namespace"] = ns,
                ["operation"] = operation,
                ["userInfo"] = new JsonObject { ["username"] = "admin" },
                ["object"] = obj,
                ["oldObject"] = oldObj,
                ["dryRun"] = dryRun,
            },
        };

    public static JsonObject Pod(string ns, string name, params (string Key, string Value)[] labels) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Pod",
        ["metadata"] = Metadata(ns, name, labels),
        ["spec"] = new JsonObject
        {
            ["containers"] = new JsonArray(new JsonObject { ["name"] = "app", ["image"] = "nginx", ["env"] = new JsonArray(new JsonObject { ["name"] = "A", ["value"] = "1" }) }),
        },
    };

    public static JsonObject PodReview(string uid, string ns, string name, params (string Key, string Value)[] labels) =>
        Review(uid, "", "v1", "Pod", ns, name, "CREATE", Pod(ns, name, labels));

    public static JsonObject Gateway(string ns, string name, JsonObject? labels = null, string className = "istio-waypoint") => new()
    {
        ["apiVersion"] = "gateway.networking.k8s.io/v1",
        ["kind"] = "Gateway",
        ["metadata"] = labels is null ? new JsonObject { ["name"] = name, ["namespace"] = ns } : new JsonObject { ["name"] = name, ["namespace"] = ns, ["labels"] = labels },
        ["spec"] = new JsonObject
        {
            ["gatewayClassName"] = className,
            ["listeners"] = new JsonArray(new JsonObject { ["name"] = "mesh", ["port"] = 15008, ["protocol"] = "HBONE" }),
        },
    };

    public static JsonObject Metadata(string? ns, string name, params (string Key, string Value)[] labels)
    {
        var map = new JsonObject();
        foreach (var (key, value) in labels)
        {
            map[key] = value;
        }

        var metadata = new JsonObject { ["name"] = name, ["labels"] = map };
        if (ns is not null)
        {
            metadata["namespace"] = ns;
        }

        return metadata;
    }

    public static string ExampleCluster => RepoPaths.ExampleCluster;
}
