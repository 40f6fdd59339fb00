using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace WaypointWebhook.Testing;

/// <summary>
/// A Kubernetes API server in miniature that speaks the real wire format: lists with
/// <c>metadata.resourceVersion</c> and <c>continue</c>, label selectors (<c>key</c>, <c>key=value</c>),
/// chunked watch streams of <c>{"type","object"}</c> lines from a resourceVersion, BOOKMARK events,
/// 410 Gone for a compacted resourceVersion (as an ERROR event with a Status, or as the HTTP status),
/// streams that close mid-way and slow responses. KubernetesClient talks to it as to a real one.
/// </summary>
public sealed class FakeApiServer : IAsyncDisposable
{
    private readonly object gate = new();
    private readonly Dictionary<string, Resource> resources = new(StringComparer.Ordinal);
    private readonly List<Watch> watches = [];
    private readonly WebApplication app;
    private long revision = 1000;

    private FakeApiServer(WebApplication app)
    {
        this.app = app;
        Register("api/v1/namespaces", "Namespace", "v1", namespaced: false);
        Register("api/v1/pods", "Pod", "v1", namespaced: true);
        Register("api/v1/services", "Service", "v1", namespaced: true);
        Register("api/v1/replicationcontrollers", "ReplicationController", "v1", namespaced: true);
        foreach (var kind in new[] { "deployments:Deployment", "statefulsets:StatefulSet", "daemonsets:DaemonSet", "replicasets:ReplicaSet" })
        {
            Register($"apis/apps/v1/{kind.Split(':')[0]}", kind.Split(':')[1], "apps/v1", namespaced: true);
        }

        Register("apis/batch/v1/jobs", "Job", "batch/v1", namespaced: true);
        Register("apis/batch/v1/cronjobs", "CronJob", "batch/v1", namespaced: true);
        Register("apis/networking.istio.io/v1/serviceentries", "ServiceEntry", "networking.istio.io/v1", namespaced: true);
        Register("apis/networking.istio.io/v1/workloadentries", "WorkloadEntry", "networking.istio.io/v1", namespaced: true);
        Register("apis/gateway.networking.k8s.io/v1/gateways", "Gateway", "gateway.networking.k8s.io/v1", namespaced: true);
        Register("apis/gateway.networking.k8s.io/v1/gatewayclasses", "GatewayClass", "gateway.networking.k8s.io/v1", namespaced: false);
    }

    public Uri Url { get; private set; } = null!;

    /// <summary>Every request as <c>GET path?query</c>, in order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>Delay before answering a list (a slow API server at start-up).</summary>
    public TimeSpan ListDelay { get; set; }

    /// <summary>Watches from a resourceVersion below this get 410 Gone (etcd compaction).</summary>
    public long CompactedBelow { get; set; }

    /// <summary>410 as a 200 stream with one ERROR event (what the API server does mid-watch) rather than an HTTP 410.</summary>
    public bool GoneAsErrorEvent { get; set; } = true;

    /// <summary>When set, every request fails with 503 (an API server outage).</summary>
    public bool Down { get; set; }

    /// <summary>When set, watches answer 200 and end at once without an event (a proxy cutting them).</summary>
    public bool WatchesEndAtOnce { get; set; }

    public int ActiveWatches
    {
        get
        {
            lock (gate)
            {
                return watches.Count;
            }
        }
    }

    public static async Task<FakeApiServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new FakeApiServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.Url = new Uri(app.Urls.First());
        return server;
    }

    public IKubernetes Client() => new Kubernetes(new KubernetesClientConfiguration { Host = Url.ToString() });

    public long CurrentRevision => Interlocked.Read(ref revision);

    public long Apply(string resource, JsonObject obj, bool silently = false) => Change(resource, obj, deleted: false, silently);

    /// <param name="silently">Change the store without a watch event: only a fresh list can reveal it (missed history).</param>
    public long Delete(string resource, string? ns, string name, bool silently = false) =>
        Change(resource, new JsonObject { ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns } }, deleted: true, silently);

    /// <summary>Sends a BOOKMARK at the current revision on every open watch of <paramref name="resource"/>.</summary>
    public void Bookmark(string resource)
    {
        lock (gate)
        {
            var r = resources[resource];
            var mark = new JsonObject { ["kind"] = r.Kind, ["apiVersion"] = r.ApiVersion, ["metadata"] = new JsonObject { ["resourceVersion"] = revision.ToString() } };
            foreach (var watch in watches.Where(w => w.Resource == resource))
            {
                watch.Events.Writer.TryWrite(Line("BOOKMARK", mark));
            }
        }
    }

    /// <summary>Closes every open watch stream, as a restarting API server or a proxy timeout would.</summary>
    public void DropWatches()
    {
        lock (gate)
        {
            foreach (var watch in watches)
            {
                watch.Events.Writer.TryComplete();
            }

            watches.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        DropWatches();
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private void Register(string path, string kind, string apiVersion, bool namespaced) =>
        resources[path] = new Resource(path, kind, apiVersion, namespaced);

    private long Change(string resource, JsonObject obj, bool deleted, bool silently)
    {
        lock (gate)
        {
            var r = resources[resource];
            var rv = ++revision;
            var copy = (JsonObject)obj.DeepClone();
            copy["kind"] ??= r.Kind;
            copy["apiVersion"] ??= r.ApiVersion;
            var metadata = copy["metadata"]!.AsObject();
            metadata["resourceVersion"] = rv.ToString();
            var key = $"{(string?)metadata["namespace"]}/{(string?)metadata["name"]}";
            string type;
            if (deleted)
            {
                if (!r.Objects.Remove(key, out var old))
                {
                    return rv;
                }

                copy = (JsonObject)old.DeepClone();
                copy["metadata"]!["resourceVersion"] = rv.ToString();
                type = "DELETED";
            }
            else
            {
                type = r.Objects.ContainsKey(key) ? "MODIFIED" : "ADDED";
                r.Objects[key] = copy;
            }

            if (!silently)
            {
                var line = Line(type, copy);
                r.Log.Add((rv, (string?)metadata["namespace"], line));
                foreach (var watch in watches.Where(w => w.Resource == resource && (w.Namespace is null || w.Namespace == (string?)metadata["namespace"])))
                {
                    watch.Events.Writer.TryWrite(line);
                }
            }

            return rv;
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        Requests.Enqueue($"{request.Method} {request.Path}{request.QueryString}");
        if (Down)
        {
            await Status(context, 503, "ServiceUnavailable", "the fake API server is down");
            return;
        }

        if (!Route(request.Path.Value!.Trim('/'), out var resource, out var ns, out var name))
        {
            await Status(context, 404, "NotFound", $"no such path {request.Path}");
            return;
        }

        if (name is not null)
        {
            await Get(context, resource, ns, name);
        }
        else if (request.Query["watch"] is var watch && (watch == "true" || watch == "1"))
        {
            await WatchAsync(context, resource, ns);
        }
        else
        {
            await ListAsync(context, resource, ns);
        }
    }

    /// <summary>Maps <c>api/v1/pods</c>, <c>api/v1/namespaces/x/pods</c>, <c>apis/g/v/namespaces/x/gateways/name</c>.</summary>
    private bool Route(string path, out Resource resource, out string? ns, out string? name)
    {
        resource = null!;
        ns = null;
        name = null;
        var parts = path.Split('/');
        var prefix = parts[0] == "api" ? 2 : 3;
        if (parts.Length < prefix + 1)
        {
            return false;
        }

        var rest = parts[prefix..];
        if (rest.Length >= 3 && rest[0] == "namespaces")
        {
            ns = rest[1];
            rest = rest[2..];
        }

        if (rest.Length == 2)
        {
            name = rest[1];
        }
        else if (rest.Length != 1)
        {
            return false;
        }

        return resources.TryGetValue(string.Join('/', parts[..prefix]) + "/" + rest[0], out resource!);
    }

    private async Task Get(HttpContext context, Resource resource, string? ns, string name)
    {
        JsonObject? found;
        lock (gate)
        {
            found = resource.Objects.GetValueOrDefault($"{ns}/{name}");
        }

        if (found is null)
        {
            await Status(context, 404, "NotFound", $"{resource.Kind} \"{name}\" not found");
            return;
        }

        await Json(context, 200, found);
    }

    private async Task ListAsync(HttpContext context, Resource resource, string? ns)
    {
        if (ListDelay > TimeSpan.Zero)
        {
            await Task.Delay(ListDelay);
        }

        var query = context.Request.Query;
        var limit = int.TryParse(query["limit"], out var l) && l > 0 ? l : int.MaxValue;
        var offset = query["continue"] is { Count: > 0 } token && int.TryParse(token.ToString().Split(':').Last(), out var o) ? o : 0;
        var selector = query["labelSelector"].ToString();
        JsonArray items;
        string? next;
        long rv;
        lock (gate)
        {
            rv = revision;
            var matching = resource.Objects.Values
                .Where(obj => ns is null || (string?)obj["metadata"]!["namespace"] == ns)
                .Where(obj => Matches(obj, selector))
                .ToList();
            items = new JsonArray(matching.Skip(offset).Take(limit).Select(obj => (JsonNode)obj.DeepClone()).ToArray());
            next = offset + limit < matching.Count ? $"{rv}:{offset + limit}" : null;
        }

        var list = new JsonObject
        {
            ["kind"] = resource.Kind + "List",
            ["apiVersion"] = resource.ApiVersion,
            ["metadata"] = next is null
                ? new JsonObject { ["resourceVersion"] = rv.ToString() }
                : new JsonObject { ["resourceVersion"] = rv.ToString(), ["continue"] = next },
            ["items"] = items,
        };
        await Json(context, 200, list);
    }

    private async Task WatchAsync(HttpContext context, Resource resource, string? ns)
    {
        var from = long.TryParse(context.Request.Query["resourceVersion"], out var v) ? v : 0;
        var timeout = int.TryParse(context.Request.Query["timeoutSeconds"], out var t) ? TimeSpan.FromSeconds(t) : TimeSpan.FromMinutes(10);
        if (from < CompactedBelow)
        {
            var status = new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Failure", ["message"] = $"too old resource version: {from} ({CompactedBelow})", ["reason"] = "Expired", ["code"] = 410 };
            if (GoneAsErrorEvent)
            {
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(Line("ERROR", status));
            }
            else
            {
                await Json(context, 410, status);
            }

            return;
        }

        if (WatchesEndAtOnce)
        {
            context.Response.ContentType = "application/json";
            return;
        }

        var watch = new Watch(resource.Path, ns, Channel.CreateUnbounded<string>());
        lock (gate)
        {
            foreach (var (rv, objectNamespace, line) in resource.Log)
            {
                if (rv > from && (ns is null || ns == objectNamespace))
                {
                    watch.Events.Writer.TryWrite(line);
                }
            }

            watches.Add(watch);
        }

        context.Response.ContentType = "application/json";
        await context.Response.StartAsync();
        using var expiry = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        expiry.CancelAfter(timeout);
        try
        {
            await foreach (var line in watch.Events.Reader.ReadAllAsync(expiry.Token))
            {
                await context.Response.WriteAsync(line, expiry.Token);
                await context.Response.Body.FlushAsync(expiry.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // timeoutSeconds elapsed or the client went away: end the stream as the API server does.
        }
        finally
        {
            lock (gate)
            {
                watches.Remove(watch);
            }
        }
    }

    private static bool Matches(JsonObject obj, string selector)
    {
        if (string.IsNullOrEmpty(selector))
        {
            return true;
        }

        var labels = obj["metadata"]?["labels"]?.AsObject();
        foreach (var term in selector.Split(','))
        {
            var eq = term.IndexOf('=');
            var key = eq < 0 ? term : term[..eq];
            if (labels is null || !labels.TryGetPropertyValue(key, out var value) || (eq >= 0 && (string?)value != term[(eq + 1)..]))
            {
                return false;
            }
        }

        return true;
    }

    private static string Line(string type, JsonObject obj) => new JsonObject { ["type"] = type, ["object"] = obj.DeepClone() }.ToJsonString() + "\n";

    private static Task Status(HttpContext context, int code, string reason, string message) =>
        Json(context, code, new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Failure", ["message"] = message, ["reason"] = reason, ["code"] = code });

    private static async Task Json(HttpContext context, int code, JsonNode body)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString(), Encoding.UTF8);
    }

    private sealed record Resource(string Path, string Kind, string ApiVersion, bool Namespaced)
    {
        public SortedDictionary<string, JsonObject> Objects { get; } = new(StringComparer.Ordinal);

        public List<(long Rv, string? Namespace, string Line)> Log { get; } = [];
    }

    private sealed record Watch(string Resource, string? Namespace, Channel<string> Events);
}

/// <summary>Objects as the API server stores them.</summary>
public static class FakeObjects
{
    public const string Namespaces = "api/v1/namespaces";
    public const string Gateways = "apis/gateway.networking.k8s.io/v1/gateways";
    public const string GatewayClasses = "apis/gateway.networking.k8s.io/v1/gatewayclasses";

    public static JsonObject Namespace(string name, params (string Key, string Value)[] labels)
    {
        var map = new JsonObject { ["kubernetes.io/metadata.name"] = name };
        foreach (var (key, value) in labels)
        {
            map[key] = value;
        }

        return new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["labels"] = map,
                ["managedFields"] = new JsonArray(new JsonObject { ["manager"] = "kubectl", ["operation"] = "Apply", ["fieldsV1"] = new JsonObject { ["f:metadata"] = new JsonObject() } }),
            },
            ["spec"] = new JsonObject { ["finalizers"] = new JsonArray("kubernetes") },
            ["status"] = new JsonObject { ["phase"] = "Active" },
        };
    }

    public static JsonObject GatewayClass(string name, string controller) => new()
    {
        ["metadata"] = new JsonObject { ["name"] = name },
        ["spec"] = new JsonObject { ["controllerName"] = controller },
    };

    public static JsonObject Gateway(string ns, string name, string? waypointFor = null, string className = "istio-waypoint", string? from = null)
    {
        var listener = new JsonObject { ["name"] = "mesh", ["port"] = 15008, ["protocol"] = "HBONE" };
        if (from is not null)
        {
            listener["allowedRoutes"] = new JsonObject { ["namespaces"] = new JsonObject { ["from"] = from } };
        }

        var metadata = new JsonObject { ["name"] = name, ["namespace"] = ns };
        if (waypointFor is not null)
        {
            metadata["labels"] = new JsonObject { ["istio.io/waypoint-for"] = waypointFor };
        }

        return new JsonObject
        {
            ["metadata"] = metadata,
            ["spec"] = new JsonObject { ["gatewayClassName"] = className, ["listeners"] = new JsonArray(listener) },
            ["status"] = new JsonObject { ["addresses"] = new JsonArray(new JsonObject { ["type"] = "IPAddress", ["value"] = "10.0.0.1" }) },
        };
    }
}
