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
/// <c>metadata.resourceVersion</c> and <c>continue</c>, equality-based label selectors on lists and watches
/// (<see cref="FakeLabelSelector"/>: a watch sends ADDED when an object starts matching and DELETED when it
/// stops, as the API server does; set-based selectors are refused with 400),
/// chunked watch streams of <c>{"type","object"}</c> lines from a resourceVersion, BOOKMARK events,
/// 410 Gone for a compacted resourceVersion (as an ERROR event with a Status, or as the HTTP status),
/// streams that close mid-way and slow responses. Objects are stored as a real API server stores them
/// (<see cref="FakeObjects.AsStored"/>: managedFields, a last-applied-configuration, annotations of every
/// shape, conditions, finalizers, owner references, fields no client knows), and every response can be
/// cut into chunks of any size (<see cref="Chunks"/>). Objects are kept serialized (UTF-8) with their
/// labels beside them, and lists page by key, so it holds and serves 100,000 such Pods.
/// KubernetesClient talks to it as to a real one.
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

    /// <summary>Lists of these resources (paths) wait until <see cref="ReleaseLists"/>: one resource slow to sync while the others are in.</summary>
    private readonly ConcurrentDictionary<string, TaskCompletionSource> heldLists = new(StringComparer.Ordinal);

    public void HoldLists(string resource) => heldLists.TryAdd(resource, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    public void ReleaseLists(string resource)
    {
        if (heldLists.TryRemove(resource, out var held))
        {
            held.TrySetResult();
        }
    }

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
            var bookmark = new Event(revision, null, "BOOKMARK", null, null, Encoding.UTF8.GetBytes(mark.ToJsonString()));
            foreach (var watch in watches.Where(w => w.Resource == resource))
            {
                watch.Send(bookmark);
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
            var metadata = obj["metadata"]!.AsObject();
            var ns = (string?)metadata["namespace"];
            var key = $"{ns}/{(string?)metadata["name"]}";
            var before = r.Objects.GetValueOrDefault(key);
            Stored? after = null;
            string type;
            byte[] json;
            if (deleted)
            {
                if (before is null)
                {
                    return rv;
                }

                // The API server sends the object as it was, at the deletion's resourceVersion.
                var gone = JsonNode.Parse(before.Json)!.AsObject();
                gone["metadata"]!["resourceVersion"] = rv.ToString();
                json = Encoding.UTF8.GetBytes(gone.ToJsonString());
                r.Objects.Remove(key);
                r.Keys.Remove(key);
                type = "DELETED";
            }
            else
            {
                var copy = (JsonObject)obj.DeepClone();
                copy["kind"] ??= r.Kind;
                copy["apiVersion"] ??= r.ApiVersion;
                copy = FakeObjects.StoreInPlace(copy, lastApplied: obj);
                copy["metadata"]!["resourceVersion"] = rv.ToString();
                json = Encoding.UTF8.GetBytes(copy.ToJsonString());
                after = new Stored(json, ns, LabelsOf(copy));
                r.Objects[key] = after;
                r.Keys.Add(key);
                type = before is null ? "ADDED" : "MODIFIED";
            }

            if (!silently)
            {
                var change = new Event(rv, ns, type, before?.Labels, after?.Labels, json);
                r.Log.Add(change);
                foreach (var watch in watches.Where(w => w.Resource == resource && (w.Namespace is null || w.Namespace == ns)))
                {
                    watch.Send(change);
                }
            }

            return rv;
        }
    }

    private static IReadOnlyDictionary<string, string>? LabelsOf(JsonObject obj) =>
        obj["metadata"]?["labels"] is JsonObject labels
            ? labels.ToDictionary(p => p.Key, p => (string?)p.Value ?? string.Empty, StringComparer.Ordinal)
            : null;

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
        byte[]? found;
        lock (gate)
        {
            found = resource.Objects.GetValueOrDefault($"{ns}/{name}")?.Json;
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

        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        await Write(context, found, context.RequestAborted);
    }

    private async Task ListAsync(HttpContext context, Resource resource, string? ns)
    {
        if (ListDelay > TimeSpan.Zero)
        {
            await Task.Delay(ListDelay);
        }

        if (heldLists.TryGetValue(resource.Path, out var held))
        {
            await held.Task.WaitAsync(context.RequestAborted);
        }

        var query = context.Request.Query;
        var limit = int.TryParse(query["limit"], out var l) && l > 0 ? l : int.MaxValue;
        if (!TrySelector(query["labelSelector"].ToString(), out var selector, out var problem))
        {
            await Status(context, 400, "BadRequest", problem);
            return;
        }

        // A continue token names the last key sent (as the API server's does), so a page costs its own size.
        var after = query["continue"] is { Count: > 0 } token && token.ToString().Split(':', 2) is [_, var last]
            ? Encoding.UTF8.GetString(Convert.FromBase64String(last))
            : null;
        var prefix = ns is null ? string.Empty : ns + "/";
        var body = new MemoryStream();
        string? next = null;
        long rv;
        lock (gate)
        {
            rv = revision;
            var lower = after is null || string.CompareOrdinal(after, prefix) < 0 ? prefix : after;
            var items = 0;
            string? lastSent = null;
            foreach (var key in resource.Keys.GetViewBetween(lower, prefix + "\uffff\uffff"))
            {
                if (key == after)
                {
                    continue;
                }

                var stored = resource.Objects[key];
                if (!selector.Matches(stored.Labels))
                {
                    continue;
                }

                if (items == limit)
                {
                    next = $"{rv}:{Convert.ToBase64String(Encoding.UTF8.GetBytes(lastSent!))}";
                    break;
                }

                body.WriteByte(items == 0 ? (byte)'[' : (byte)',');
                body.Write(stored.Json);
                lastSent = key;
                items++;
            }

            if (items == 0)
            {
                body.WriteByte((byte)'[');
            }
        }

        body.WriteByte((byte)']');
        var metadata = next is null
            ? new JsonObject { ["resourceVersion"] = rv.ToString() }
            : new JsonObject { ["resourceVersion"] = rv.ToString(), ["continue"] = next };
        var head = Encoding.UTF8.GetBytes($"{{\"kind\":\"{resource.Kind}List\",\"apiVersion\":\"{resource.ApiVersion}\",\"metadata\":{metadata.ToJsonString()},\"items\":");
        var whole = new byte[head.Length + body.Length + 1];
        head.CopyTo(whole, 0);
        body.GetBuffer().AsSpan(0, (int)body.Length).CopyTo(whole.AsSpan(head.Length));
        whole[^1] = (byte)'}';
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        await Write(context, whole, context.RequestAborted);
    }

    private async Task WatchAsync(HttpContext context, Resource resource, string? ns)
    {
        var from = long.TryParse(context.Request.Query["resourceVersion"], out var v) ? v : 0;
        if (!TrySelector(context.Request.Query["labelSelector"].ToString(), out var selector, out var problem))
        {
            await Status(context, 400, "BadRequest", problem);
            return;
        }

        var timeout = int.TryParse(context.Request.Query["timeoutSeconds"], out var t) ? TimeSpan.FromSeconds(t) : TimeSpan.FromMinutes(10);
        if (from < CompactedBelow)
        {
            var status = new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Failure", ["message"] = $"too old resource version: {from} ({CompactedBelow})", ["reason"] = "Expired", ["code"] = 410 };
            if (GoneAsErrorEvent)
            {
                context.Response.ContentType = "application/json";
                await Write(context, Encoding.UTF8.GetBytes(Line("ERROR", status)), context.RequestAborted);
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

        var watch = new Watch(resource.Path, ns, selector, Channel.CreateUnbounded<byte[]>(), new CancellationTokenSource());
        lock (gate)
        {
            foreach (var change in resource.Log)
            {
                if (change.Rv > from && (ns is null || ns == change.Namespace))
                {
                    watch.Send(change);
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

    private static bool TrySelector(string text, out FakeLabelSelector selector, out string problem)
    {
        try
        {
            selector = FakeLabelSelector.Parse(text);
            problem = string.Empty;
            return true;
        }
        catch (FormatException e)
        {
            selector = FakeLabelSelector.Everything;
            problem = e.Message;
            return false;
        }
    }

    private static string Line(string type, JsonObject obj) => new JsonObject { ["type"] = type, ["object"] = obj.DeepClone() }.ToJsonString() + "\n";

    private Task Status(HttpContext context, int code, string reason, string message) =>
        Json(context, code, new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Failure", ["message"] = message, ["reason"] = reason, ["code"] = code });

    private async Task Json(HttpContext context, int code, JsonNode body)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json";
        await Write(context, Encoding.UTF8.GetBytes(body.ToJsonString()), context.RequestAborted);
    }

    /// <summary>Writes whole, or in the pieces <see cref="Chunks"/> asks for, each flushed as its own HTTP chunk.</summary>
    private async Task Write(HttpContext context, byte[] bytes, CancellationToken cancellationToken)
    {
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
        /// <summary>By <c>namespace/name</c>; <see cref="Keys"/> holds the same keys in order, for paging.</summary>
        public Dictionary<string, Stored> Objects { get; } = new(StringComparer.Ordinal);

        public SortedSet<string> Keys { get; } = new(StringComparer.Ordinal);

        public List<Event> Log { get; } = [];
    }

    /// <summary>An object as served (UTF-8 JSON), with its namespace and labels for selectors.</summary>
    private sealed record Stored(byte[] Json, string? Namespace, IReadOnlyDictionary<string, string>? Labels);

    /// <summary>One change, with the labels before and after, so each watch decides what its selector sees of it.</summary>
    private sealed record Event(long Rv, string? Namespace, string Type, IReadOnlyDictionary<string, string>? Before, IReadOnlyDictionary<string, string>? After, byte[] Object);

    private sealed record Watch(string Resource, string? Namespace, FakeLabelSelector Selector, Channel<byte[]> Events, CancellationTokenSource Aborted)
    {
        /// <summary>
        /// The event as this watch's selector sees it (the API server's watch cache does the same): an object
        /// that starts matching is ADDED, one that stops matching is DELETED (with its new state), one that
        /// never matched is not sent.
        /// </summary>
        public void Send(Event change)
        {
            var type = change.Type switch
            {
                "BOOKMARK" => "BOOKMARK",
                "ADDED" => Selector.Matches(change.After) ? "ADDED" : null,
                "DELETED" => Selector.Matches(change.Before) ? "DELETED" : null,
                _ => (Selector.Matches(change.Before), Selector.Matches(change.After)) switch
                {
                    (true, true) => "MODIFIED",
                    (false, true) => "ADDED",
                    (true, false) => "DELETED",
                    _ => null,
                },
            };
            if (type is null)
            {
                return;
            }

            var head = Encoding.UTF8.GetBytes($"{{\"type\":\"{type}\",\"object\":");
            var line = new byte[head.Length + change.Object.Length + 2];
            head.CopyTo(line, 0);
            change.Object.CopyTo(line, head.Length);
            line[^2] = (byte)'}';
            line[^1] = (byte)'\n';
            Events.Writer.TryWrite(line);
        }
    }
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
    public static JsonObject AsStored(JsonObject obj) => StoreInPlace((JsonObject)obj.DeepClone(), obj);

    /// <summary><see cref="AsStored"/> on an object the caller owns (no copy), with the configuration kubectl applied.</summary>
    internal static JsonObject StoreInPlace(JsonObject stored, JsonObject lastApplied)
    {
        var obj = lastApplied;
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
