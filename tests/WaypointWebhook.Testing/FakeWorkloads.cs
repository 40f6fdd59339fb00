using System.Text.Json.Nodes;

namespace WaypointWebhook.Testing;

/// <summary>
/// Consumers as a cluster has them, for <see cref="FakeApiServer"/>: a Deployment's Pod (owned by its
/// ReplicaSet, with containers, probes and status), a Service, a ServiceEntry with endpoints, a
/// WorkloadEntry. The server stores each as it stores every object (<see cref="FakeObjects.AsStored"/>).
/// </summary>
public static class FakeWorkloads
{
    public const string Pods = "api/v1/pods";
    public const string Services = "api/v1/services";
    public const string ServiceEntries = "apis/networking.istio.io/v1/serviceentries";
    public const string WorkloadEntries = "apis/networking.istio.io/v1/workloadentries";

    public static JsonObject Pod(string ns, string name, params (string Key, string Value)[] labels)
    {
        var app = name.Split('-')[0];
        var map = new JsonObject { ["app"] = app, ["pod-template-hash"] = "5b8c9d7f4", ["security.istio.io/tlsMode"] = "istio" };
        foreach (var (key, value) in labels)
        {
            map[key] = value;
        }

        return new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["namespace"] = ns,
                ["generateName"] = $"{app}-5b8c9d7f4-",
                ["labels"] = map,
                ["ownerReferences"] = new JsonArray(new JsonObject
                {
                    ["apiVersion"] = "apps/v1", ["kind"] = "ReplicaSet", ["name"] = $"{app}-5b8c9d7f4", ["uid"] = Guid.Empty.ToString(),
                    ["controller"] = true, ["blockOwnerDeletion"] = true,
                }),
            },
            ["spec"] = new JsonObject
            {
                ["serviceAccountName"] = app,
                ["nodeName"] = "node-7",
                ["containers"] = new JsonArray(new JsonObject
                {
                    ["name"] = app,
                    ["image"] = $"registry.example.com/{app}:1.4.2",
                    ["ports"] = new JsonArray(new JsonObject { ["containerPort"] = 8080, ["protocol"] = "TCP", ["name"] = "http" }),
                    ["env"] = new JsonArray(new JsonObject { ["name"] = "LOG_LEVEL", ["value"] = "info" }),
                    ["resources"] = new JsonObject { ["requests"] = new JsonObject { ["cpu"] = "100m", ["memory"] = "128Mi" } },
                    ["readinessProbe"] = new JsonObject { ["httpGet"] = new JsonObject { ["path"] = "/ready", ["port"] = 8080 } },
                }),
                ["tolerations"] = new JsonArray(new JsonObject { ["key"] = "node.kubernetes.io/not-ready", ["operator"] = "Exists", ["effect"] = "NoExecute", ["tolerationSeconds"] = 300 }),
            },
            ["status"] = new JsonObject
            {
                ["phase"] = "Running",
                ["podIP"] = "10.244.1.17",
                ["containerStatuses"] = new JsonArray(new JsonObject { ["name"] = app, ["ready"] = true, ["restartCount"] = 0, ["image"] = $"registry.example.com/{app}:1.4.2" }),
            },
        };
    }

    public static JsonObject Service(string ns, string name, string? type = null, params (string Key, string Value)[] labels) => new()
    {
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns, ["labels"] = Labels(("app", name), labels) },
        ["spec"] = new JsonObject
        {
            ["type"] = type ?? "ClusterIP",
            ["clusterIP"] = "10.96.12.34",
            ["selector"] = new JsonObject { ["app"] = name },
            ["ports"] = new JsonArray(new JsonObject { ["name"] = "http", ["port"] = 80, ["targetPort"] = 8080, ["protocol"] = "TCP" }),
        },
    };

    /// <param name="endpoints">Each endpoint's address and labels.</param>
    public static JsonObject ServiceEntry(string ns, string name, (string Key, string Value)[] labels, params (string Address, (string Key, string Value)[] Labels)[] endpoints) => new()
    {
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns, ["labels"] = Labels(("app", name), labels) },
        ["spec"] = new JsonObject
        {
            ["hosts"] = new JsonArray($"{name}.example.com"),
            ["ports"] = new JsonArray(new JsonObject { ["number"] = 443, ["name"] = "https", ["protocol"] = "TLS" }),
            ["resolution"] = "STATIC",
            ["endpoints"] = new JsonArray(endpoints.Select(e => (JsonNode)new JsonObject { ["address"] = e.Address, ["labels"] = Labels(("app", name), e.Labels) }).ToArray()),
        },
    };

    public static JsonObject WorkloadEntry(string ns, string name, (string Key, string Value)[] labels, params (string Key, string Value)[] specLabels) => new()
    {
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns, ["labels"] = Labels(("app", name), labels) },
        ["spec"] = new JsonObject { ["address"] = "10.0.5.9", ["serviceAccount"] = name, ["labels"] = Labels(("app", name), specLabels) },
    };

    private static JsonObject Labels((string Key, string Value) first, (string Key, string Value)[] rest)
    {
        var map = new JsonObject { [first.Key] = first.Value };
        foreach (var (key, value) in rest)
        {
            map[key] = value;
        }

        return map;
    }
}
