using System.Text.Json.Nodes;
using CsCheck;
using WaypointWebhook.Objects;

namespace WaypointWebhook.Tests.Properties;

/// <summary>Random AdmissionReviews: valid in shape, hostile in content (labels, selectors, listeners, kinds).</summary>
public static class ReviewGenerators
{
    /// <summary>Strings that have broken parsers before: case variants, empties, control characters, long runs, non-ASCII.</summary>
    public static readonly Gen<string> OddString = Gen.Frequency(
        (4, Gen.OneOf("none", "None", "NONE", "", " ", "waypoint", "infra", "default", "service", "workload", "all", "Service", "ALL",
            "In", "NotIn", "Exists", "DoesNotExist", "Equals", "All", "Same", "Selector", "HBONE", "istio.io/PROXY", "PROXY", "NONE", "HTTP/15088", "TCP/x",
            "istio-waypoint", "istio", "a/b", "-x", "x-", "a..b", "é", "\u0000", "\n", "\"", "\\", "{}", "true", "1", "yes")),
        (2, Gen.String[Gen.Char['a', 'z'], 1, 12]),
        (1, Gen.String[Gen.Char[' ', '~'], 0, 70]),
        (1, Gen.String[Gen.Char['\u0000', '\uffff'], 0, 8]));

    public static readonly Gen<string> LabelKey = Gen.Frequency(
        (6, Gen.OneOf("istio.io/use-waypoint", "istio.io/use-waypoint-namespace", "istio.io/ingress-use-waypoint", "istio.io/dataplane-mode",
            "istio.io/waypoint-for", "gateway.istio.io/managed", "gateway.networking.k8s.io/gateway-name", "kubernetes.io/metadata.name", "app")),
        (1, OddString));

    public static readonly Gen<JsonObject> Labels = Gen.Select(LabelKey, OddString).Array[0, 5].Select(pairs =>
    {
        var labels = new JsonObject();
        foreach (var (key, value) in pairs)
        {
            labels[key] = value;
        }

        return labels;
    });

    public static readonly Gen<JsonObject> Selector = Gen.Select(Labels, Gen.Select(OddString, OddString, OddString.Array[0, 3], Gen.Bool).Array[0, 3]).Select((matchLabels, expressions) =>
    {
        var selector = new JsonObject { ["matchLabels"] = matchLabels };
        selector["matchExpressions"] = new JsonArray(expressions.Select(e =>
        {
            var requirement = new JsonObject { ["key"] = e.Item1, ["operator"] = e.Item2 };
            if (e.Item4)
            {
                requirement["values"] = new JsonArray(e.Item3.Select(v => (JsonNode?)v).ToArray());
            }

            return (JsonNode?)requirement;
        }).ToArray());
        return selector;
    });

    public static readonly Gen<JsonObject> Listener = Gen.Select(OddString, Gen.Frequency((2, Gen.Const(15008)), (1, Gen.Int[0, 70000])), OddString, Gen.Select(Gen.Bool, Selector, (has, s) => has ? s : null), OddString)
        .Select((name, port, protocol, selector, from) =>
        {
            var listener = new JsonObject { ["name"] = name, ["port"] = port, ["protocol"] = protocol };
            var namespaces = new JsonObject { ["from"] = from };
            if (selector is not null)
            {
                namespaces["selector"] = selector;
            }

            listener["allowedRoutes"] = new JsonObject { ["namespaces"] = namespaces };
            return listener;
        });

    /// <summary>An object of a handled kind (or an unknown one) with random labels where each kind keeps them.</summary>
    public static readonly Gen<(string Group, string Kind, JsonObject Object)> Object =
        Gen.Select(Gen.Int[0, HandledKinds.All.Count], Labels, Labels, Listener.Array[0, 3], OddString).Select((index, labels, inner, listeners, text) =>
        {
            if (index == HandledKinds.All.Count)
            {
                return ("example.com", "Widget", new JsonObject { ["metadata"] = new JsonObject { ["name"] = "w", ["labels"] = labels }, ["spec"] = new JsonObject { ["anything"] = text } });
            }

            var kind = HandledKinds.All[index];
            var spec = new JsonObject
            {
                ["type"] = text,
                ["gatewayClassName"] = text.Length % 2 == 0 ? "istio-waypoint" : text,
                ["controllerName"] = text,
                ["listeners"] = new JsonArray(listeners.Select(l => (JsonNode?)l).ToArray()),
                ["labels"] = inner.DeepClone(),
                ["endpoints"] = new JsonArray(new JsonObject { ["address"] = "1.2.3.4", ["labels"] = inner.DeepClone() }),
                ["template"] = new JsonObject { ["metadata"] = new JsonObject { ["labels"] = inner.DeepClone() } },
                ["jobTemplate"] = new JsonObject { ["spec"] = new JsonObject { ["template"] = new JsonObject { ["metadata"] = new JsonObject { ["labels"] = inner.DeepClone() } } } },
            };
            var metadata = new JsonObject { ["name"] = text, ["namespace"] = text, ["labels"] = labels, ["annotations"] = new JsonObject { ["ambient.istio.io/waypoint-inbound-binding"] = text } };
            return (kind.Group, kind.Kind, new JsonObject { ["apiVersion"] = "v1", ["kind"] = kind.Kind, ["metadata"] = metadata, ["spec"] = spec });
        });

    public static readonly Gen<JsonObject> Review = Gen.Select(Object, Object, Gen.OneOf("CREATE", "UPDATE", "DELETE", "CONNECT"), Gen.Bool, OddString)
        .Select((current, old, operation, dryRun, ns) =>
            Reviews.Review(Guid.NewGuid().ToString(), current.Group, "v1", current.Kind, ns, "n", operation, current.Object, operation == "UPDATE" ? old.Object : null, dryRun));
}
