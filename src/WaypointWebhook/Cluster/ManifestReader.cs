using System.Text;
using System.Text.Json;
using WaypointWebhook.Objects;
using YamlDotNet.Core;

namespace WaypointWebhook.Cluster;

/// <summary>
/// Reads manifests the way <c>kubectl apply -f</c> takes them: files or directories (recursively,
/// <c>.yaml</c>, <c>.yml</c>, <c>.json</c>), multi-document YAML, several JSON values, <c>kind: List</c>;
/// <c>-</c> is standard input. Objects of kinds the webhook does not handle are skipped.
/// </summary>
public static class ManifestReader
{
    /// <summary>How standard input is named in sources and locations.</summary>
    public const string StdinName = "<stdin>";

    private static readonly string[] Extensions = [".yaml", ".yml", ".json"];

    /// <param name="locate">
    /// Also record where each object and field is written and the objects' annotations (for <c>analyze</c>'s
    /// findings). Off for cluster state, which may hold tens of thousands of objects no finding points into.
    /// </param>
    public static List<Manifest> Read(IEnumerable<string> paths, TextReader? stdin = null, bool locate = false)
    {
        var manifests = new List<Manifest>();
        foreach (var file in Files(paths))
        {
            if (file == "-")
            {
                Read(null, stdin ?? Console.In, StdinName, locate, manifests);
            }
            else
            {
                ReadFile(file, locate, manifests);
            }
        }

        return manifests;
    }

    /// <summary>
    /// The files <paramref name="paths"/> name, in reading order: directories expanded (recursively, in
    /// ordinal order), each path kept as given (a relative path stays relative); <c>-</c> as itself.
    /// </summary>
    public static List<string> Files(IEnumerable<string> paths)
    {
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (path == "-" || File.Exists(path))
            {
                files.Add(path);
            }
            else if (Directory.Exists(path))
            {
                files.AddRange(Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                    .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal));
            }
            else
            {
                throw new ManifestException($"{path}: no such file or directory");
            }
        }

        return files;
    }

    /// <summary>Reads manifests from text, for tests and callers that hold content rather than files.</summary>
    public static List<Manifest> ReadText(string text, string source, bool locate = false)
    {
        var manifests = new List<Manifest>();
        Read(null, new StringReader(text), source, locate, manifests);
        return manifests;
    }

    private static void ReadFile(string file, bool locate, List<Manifest> manifests)
    {
        try
        {
            if (string.Equals(Path.GetExtension(file), ".json", StringComparison.OrdinalIgnoreCase))
            {
                Read(File.ReadAllBytes(file), null, file, locate, manifests);
            }
            else
            {
                // Streamed: a cluster state of thousands of objects is never one string in memory.
                // The reader drops a byte order mark, so the first line's columns start after it.
                using var reader = new StreamReader(file, Encoding.UTF8);
                Read(null, reader, file, locate, manifests);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ManifestException($"{file}: cannot read: {e.Message}", e);
        }
    }

    /// <summary>Reads JSON from <paramref name="jsonBytes"/>, or YAML from <paramref name="yaml"/>.</summary>
    private static void Read(byte[]? jsonBytes, TextReader? yaml, string source, bool locate, List<Manifest> manifests)
    {
        var json = jsonBytes is not null;
        var document = 0;
        try
        {
            if (jsonBytes is not null)
            {
                // Utf8JsonReader takes no byte order mark; editors on Windows write one.
                var data = jsonBytes.AsSpan().StartsWith(Encoding.UTF8.Preamble) ? jsonBytes[Encoding.UTF8.Preamble.Length..] : jsonBytes;
                var lines = locate ? new LineMap(data) : null;
                var reader = new Utf8JsonReader(data, new JsonReaderOptions { AllowMultipleValues = true, CommentHandling = JsonCommentHandling.Skip });
                while (reader.Read())
                {
                    document++;
                    var fields = lines is null ? null : JsonPositions.Record(reader, lines);
                    Add(JsonSerializer.Deserialize(ref reader, ObjectJsonContext.Default.KubeObject), fields, source, $"{source}#{document}", manifests);
                }
            }
            else if (yaml is not null)
            {
                // A file's StreamReader drops a byte order mark, but standard input's decoder keeps it as
                // U+FEFF, which YamlDotNet would read as the start of a scalar.
                if (yaml.Peek() == '\uFEFF')
                {
                    yaml.Read();
                }

                foreach (var converted in YamlToJson.Convert(yaml, locate))
                {
                    document++;
                    Add(JsonSerializer.Deserialize(converted.Json, ObjectJsonContext.Default.KubeObject), converted.Fields, source, $"{source}#{document}", manifests);
                }
            }
        }
        catch (YamlException e)
        {
            throw new ManifestException($"{source}: invalid YAML at line {e.Start.Line}, column {e.Start.Column}: {e.InnerException?.Message ?? e.Message}", e);
        }
        catch (JsonException e)
        {
            throw new ManifestException($"{source}: document {Math.Max(document, 1)}: {JsonErrors.Describe(e, withPosition: json)}", e);
        }
    }

    /// <param name="fields">What was recorded about the document (or the List item); null when not locating.</param>
    /// <param name="file">The file as named: what a location shows.</param>
    private static void Add(KubeObject? obj, DocumentFields? fields, string file, string source, List<Manifest> manifests)
    {
        if (obj is null)
        {
            return;
        }

        if (obj.Items is not null && obj.Kind is not null && obj.Kind.EndsWith("List", StringComparison.Ordinal))
        {
            for (var i = 0; i < obj.Items.Count; i++)
            {
                Add(obj.Items[i], fields?.Item(i), file, $"{source} items[{i}]", manifests);
            }

            return;
        }

        if (HandledKinds.FindByApiVersion(obj.ApiVersion, obj.Kind) is { } kind)
        {
            manifests.Add(fields is null
                ? new Manifest(kind, obj, source)
                : new Manifest(kind, obj, source) { Location = fields.Location(file), Annotations = fields.Annotations() });
        }
    }
}
