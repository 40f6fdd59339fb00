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
/// streams that close mid-way and slow responses. Objects are stored as a real API server stores them
/// (<see cref="FakeObjects.AsStored"/>: managedFields, a last-applied-configuration, annotations of every
/// shape, conditions, finalizers, owner references, fields no client knows), and every response can be
/// cut into chunks of any size (<see cref="Chunks"/>). KubernetesClient talks to it as to a real one.
/// The real kube-apiserver (tests/WaypointWebhook.EndToEnd) covers the rest; this one exists for what a
/// real server cannot be made to do on demand.
/// </summary>
public sealed class FakeApiServer : IAsyncDisposable
{
    private readonly object gate = new();
    private readonly Dictionary<string, Resource> resources = new(StringComparer.Ordinal);
    private readonly List<Watch> watches = [];
    private readonly List<string> kubeconfigs = [];
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
        Register("apis/networking.istio.io/v1/workloadgroups", "WorkloadGroup", "networking.istio.io/v1", namespaced: true);
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

    /// <summary>
    /// How response bodies are cut: null sends each whole; otherwise each piece is written and flushed on
    /// its own (an HTTP chunk), so the client reads the body in pieces of these sizes.
    /// </summary>
    public ResponseChunks? Chunks { get; set; }

    /// <summary>Delay between reading an object for a GET and sending it (a GET answered after later changes).</summary>
    public TimeSpan GetDelay { get; set; }

    /// <summary>Completes when a GET has read its object and waits out <see cref="GetDelay"/>.</summary>
    public TaskCompletionSource GetStarted { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

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

    /// <summary>A kubeconfig file for this server (a token user), for what takes <c>--kubeconfig</c>; deleted with the server.</summary>
    public string Kubeconfig()
    {
        var path = Path.Combine(Path.GetTempPath(), $"kubeconfig-{Guid.NewGuid():N}");
        File.WriteAllText(path, $$"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: fake
              cluster: {server: "{{Url.ToString().TrimEnd('/')}}"}
            users:
            - name: fake
              user: {token: test}
            contexts:
            - name: fake
              context: {cluster: fake, user: fake}
            current-context: fake
            """);
        kubeconfigs.Add(path);
        return path;
    }

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

    /// <summary>
    /// Resets every open watch connection mid-stream, as an API server that goes away does (the client
    /// sees an error, not the end of a stream).
    /// </summary>
    public void AbortWatches()
    {
        lock (gate)
        {
            foreach (var watch in watches)
            {
                watch.Aborted.Cancel();
            }

            watches.Clear();
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
        foreach (var path in kubeconfigs)
        {
            File.Delete(path);
        }

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
            if (!deleted)
            {
                copy = FakeObjects.AsStored(copy);
            }

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

        if (GetDelay > TimeSpan.Zero)
        {
            GetStarted.TrySetResult();
            await Task.Delay(GetDelay);
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
                await Write(context, Line("ERROR", status), context.RequestAborted);
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

        var watch = new Watch(resource.Path, ns, Channel.CreateUnbounded<string>(), new CancellationTokenSource());
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
        using var expiry = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, watch.Aborted.Token);
        expiry.CancelAfter(timeout);
        try
        {
            await foreach (var line in watch.Events.Reader.ReadAllAsync(expiry.Token))
            {
                await Write(context, line, expiry.Token);
                await context.Response.Body.FlushAsync(expiry.Token);
            }
        }
        catch (OperationCanceledException) when (watch.Aborted.IsCancellationRequested)
        {
            context.Abort(); // a reset connection: the client's read fails
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

    private Task Status(HttpContext context, int code, string reason, string message) =>
        Json(context, code, new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Failure", ["message"] = message, ["reason"] = reason, ["code"] = code });

    private async Task Json(HttpContext context, int code, JsonNode body)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json";
        await Write(context, body.ToJsonString(), context.RequestAborted);
    }

    /// <summary>Writes whole, or in the pieces <see cref="Chunks"/> asks for, each flushed as its own HTTP chunk.</summary>
    private async Task Write(HttpContext context, string text, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        if (Chunks is not { } chunks)
        {
            await context.Response.Body.WriteAsync(bytes, cancellationToken);
            return;
        }

        for (var offset = 0; offset < bytes.Length;)
        {
            var size = Math.Min(chunks.Next(), bytes.Length - offset);
            await context.Response.Body.WriteAsync(bytes.AsMemory(offset, size), cancellationToken);
            await context.Response.Body.FlushAsync(cancellationToken);
            offset += size;
        }
    }

    private sealed record Resource(string Path, string Kind, string ApiVersion, bool Namespaced)
    {
        public SortedDictionary<string, JsonObject> Objects { get; } = new(StringComparer.Ordinal);

        public List<(long Rv, string? Namespace, string Line)> Log { get; } = [];
    }

    private sealed record Watch(string Resource, string? Namespace, Channel<string> Events, CancellationTokenSource Aborted);
}

/// <summary>How <see cref="FakeApiServer"/> cuts its responses: fixed sizes, or random sizes from a seed.</summary>
public sealed class ResponseChunks
{
    private readonly Func<int> next;

    private ResponseChunks(Func<int> next, string description)
    {
        this.next = next;
        Description = description;
    }

    public string Description { get; }

    public static ResponseChunks Fixed(int size) => new(() => size, $"{size}-byte chunks");

    /// <summary>Pieces of 1 to <paramref name="max"/> bytes, the same sequence for the same seed.</summary>
    public static ResponseChunks Random(int seed, int max)
    {
        var random = new Random(seed);
        return new(() => { lock (random) { return random.Next(1, max + 1); } }, $"random chunks of 1-{max} bytes (seed {seed})");
    }

    public int Next() => next();

    public override string ToString() => Description;
}

/// <summary>Objects as the API server stores them.</summary>
public static class FakeObjects
{
    /// <summary>
    /// The object as a real API server stores one applied with <c>kubectl apply</c>: a
    /// <c>last-applied-configuration</c> (the whole object as a JSON string), annotations of every shape
    /// (empty, escaped, non-ASCII, long), <c>managedFields</c>, a uid, a creation timestamp, a generation,
    /// finalizers and owner references, <c>status.conditions</c>, and fields no client knows (objects,
    /// arrays, numbers, booleans, nulls). What the object already carries is kept.
    /// </summary>
    public static JsonObject AsStored(JsonObject obj)
    {
        var stored = (JsonObject)obj.DeepClone();
        var metadata = stored["metadata"]!.AsObject();
        var name = (string?)metadata["name"] ?? "unnamed";
        var annotations = metadata["annotations"]?.AsObject() ?? new JsonObject();
        annotations["kubectl.kubernetes.io/last-applied-configuration"] ??= obj.ToJsonString() + "\n";
        annotations["example.com/empty"] ??= string.Empty;
        annotations["example.com/quoted"] ??= "say \"hi\"\\ {\"json\": [1, 2]} \u00e9\u4e2d\ud83d\ude00\n\ttab";
        annotations["example.com/long"] ??= new string('a', 2048);
        metadata["annotations"] = annotations;
        metadata["uid"] ??= Guid.NewGuid().ToString();
        metadata["creationTimestamp"] ??= "2026-11-30T10:00:00Z";
        metadata["generation"] ??= 3;
        metadata["finalizers"] ??= new JsonArray("example.com/cleanup");
        metadata["ownerReferences"] ??= new JsonArray(new JsonObject
        {
            ["apiVersion"] = "example.com/v1", ["kind"] = "Owner", ["name"] = "owner-of-" + name, ["uid"] = Guid.Empty.ToString(),
            ["controller"] = false, ["blockOwnerDeletion"] = true,
        });
        metadata["managedFields"] ??= new JsonArray(
            new JsonObject
            {
                ["manager"] = "kubectl-client-side-apply", ["operation"] = "Update", ["apiVersion"] = (string?)stored["apiVersion"],
                ["time"] = "2026-11-30T10:00:00Z", ["fieldsType"] = "FieldsV1",
                ["fieldsV1"] = new JsonObject { ["f:metadata"] = new JsonObject { ["f:annotations"] = new JsonObject { ["."] = new JsonObject(), ["f:kubectl.kubernetes.io/last-applied-configuration"] = new JsonObject() } } },
            },
            new JsonObject { ["manager"] = "istiod", ["operation"] = "Update", ["subresource"] = "status", ["fieldsType"] = "FieldsV1", ["fieldsV1"] = new JsonObject { ["f:status"] = new JsonObject() } });
        var status = stored["status"]?.AsObject() ?? new JsonObject();
        status["conditions"] ??= new JsonArray(
            new JsonObject { ["type"] = "Accepted", ["status"] = "True", ["reason"] = "Accepted", ["message"] = "Resource accepted", ["lastTransitionTime"] = "2026-11-30T10:00:01Z", ["observedGeneration"] = 3 },
            new JsonObject { ["type"] = "Programmed", ["status"] = "True", ["reason"] = "Programmed", ["message"] = string.Empty, ["lastTransitionTime"] = "2026-11-30T10:00:02Z", ["observedGeneration"] = 3 });
        stored["status"] = status;
        stored["x-unknown"] ??= new JsonObject { ["nested"] = new JsonArray(1, 2.5, true, null, "s", new JsonObject { ["deep"] = new JsonArray(new JsonArray()) }), ["n"] = -1e10 };
        return stored;
    }

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
