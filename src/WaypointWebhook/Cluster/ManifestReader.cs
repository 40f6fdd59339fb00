using System.Text;
using System.Text.Json;
using WaypointWebhook.Admission;
using WaypointWebhook.Objects;
using YamlDotNet.Core;

namespace WaypointWebhook.Cluster;

/// <summary>An object of a handled kind read from a manifest, with where it came from.</summary>
public sealed record Manifest(HandledKind Kind, KubeObject Object, string Source);

/// <summary>A manifest that cannot be read; the message names the file and document.</summary>
public sealed class ManifestException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Reads manifests the way <c>kubectl apply -f</c> takes them: files or directories (recursively,
/// <c>.yaml</c>, <c>.yml</c>, <c>.json</c>), multi-document YAML, several JSON values, <c>kind: List</c>;
/// <c>-</c> is standard input. Objects of kinds the webhook does not handle are skipped.
/// </summary>
public static class ManifestReader
{
    private static readonly string[] Extensions = [".yaml", ".yml", ".json"];

    public static List<Manifest> Read(IEnumerable<string> paths, TextReader? stdin = null)
    {
        var manifests = new List<Manifest>();
        foreach (var path in paths)
        {
            if (path == "-")
            {
                Read(null, stdin ?? Console.In, "<stdin>", manifests);
            }
            else if (Directory.Exists(path))
            {
                foreach (var file in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                             .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                             .Order(StringComparer.Ordinal))
                {
                    ReadFile(file, manifests);
                }
            }
            else if (File.Exists(path))
            {
                ReadFile(path, manifests);
            }
            else
            {
                throw new ManifestException($"{path}: no such file or directory");
            }
        }

        return manifests;
    }

    /// <summary>Reads manifests from text, for tests and callers that hold content rather than files.</summary>
    public static List<Manifest> ReadText(string text, string source)
    {
        var manifests = new List<Manifest>();
        Read(null, new StringReader(text), source, manifests);
        return manifests;
    }

    private static void ReadFile(string file, List<Manifest> manifests)
    {
        try
        {
            if (string.Equals(Path.GetExtension(file), ".json", StringComparison.OrdinalIgnoreCase))
            {
                Read(File.ReadAllBytes(file), null, file, manifests);
            }
            else
            {
                // Streamed: a cluster state of thousands of objects is never one string in memory.
                using var reader = new StreamReader(file, Encoding.UTF8);
                Read(null, reader, file, manifests);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ManifestException($"{file}: cannot read: {e.Message}", e);
        }
    }

    /// <summary>Reads JSON from <paramref name="jsonBytes"/>, or YAML from <paramref name="yaml"/>.</summary>
    private static void Read(byte[]? jsonBytes, TextReader? yaml, string source, List<Manifest> manifests)
    {
        var json = jsonBytes is not null;
        var document = 0;
        try
        {
            if (jsonBytes is { } data)
            {
                var reader = new Utf8JsonReader(data, new JsonReaderOptions { AllowMultipleValues = true, CommentHandling = JsonCommentHandling.Skip });
                while (reader.Read())
                {
                    document++;
                    Add(JsonSerializer.Deserialize(ref reader, WireJsonContext.Default.KubeObject), $"{source}#{document}", manifests);
                }
            }
            else
            {
                foreach (var bytes in YamlToJson.Documents(yaml!))
                {
                    document++;
                    Add(JsonSerializer.Deserialize(bytes, WireJsonContext.Default.KubeObject), $"{source}#{document}", manifests);
                }
            }
        }
        catch (YamlException e)
        {
            throw new ManifestException($"{source}: invalid YAML at line {e.Start.Line}, column {e.Start.Column}: {e.InnerException?.Message ?? e.Message}", e);
        }
        catch (JsonException e)
        {
            throw new ManifestException($"{source}: document {Math.Max(document, 1)}: {Describe(e, withPosition: json)}", e);
        }
    }

    private static void Add(KubeObject? obj, string source, List<Manifest> manifests)
    {
        if (obj is null)
        {
            return;
        }

        if (obj.Items is not null && obj.Kind is not null && obj.Kind.EndsWith("List", StringComparison.Ordinal))
        {
            for (var i = 0; i < obj.Items.Count; i++)
            {
                Add(obj.Items[i], $"{source} items[{i}]", manifests);
            }

            return;
        }

        if (HandledKinds.FindByApiVersion(obj.ApiVersion, obj.Kind) is { } kind)
        {
            manifests.Add(new Manifest(kind, obj, source));
        }
    }

    /// <summary>
    /// The reader's complaint without .NET type names: a syntax error with its position, or the field
    /// whose value has the wrong type. YAML goes through JSON, whose positions would mislead: omitted.
    /// </summary>
    internal static string Describe(JsonException e, bool withPosition = true)
    {
        var line = withPosition && e.LineNumber is { } l ? $" (line {l + 1}, byte {e.BytePositionInLine + 1})" : string.Empty;
        if (e.InnerException?.GetType().Name == "JsonReaderException")
        {
            var reason = e.InnerException.Message;
            var cut = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
            return $"invalid JSON{line}: {(cut > 0 ? reason[..cut] : reason)}";
        }

        var field = e.Path?.TrimStart('$', '.');

        // A converter's own message (System.Text.Json appends " Path: " only to its default ones) says more
        // than "wrong type": for example which annotation must be a string.
        if (e.InnerException is null && !string.IsNullOrEmpty(field) && !e.Message.Contains(" Path: ", StringComparison.Ordinal))
        {
            return $"field {field}: {e.Message}{line}";
        }

        return string.IsNullOrEmpty(field) ? $"expected a JSON object{line}" : $"field {field} has the wrong type{line}";
    }
}
