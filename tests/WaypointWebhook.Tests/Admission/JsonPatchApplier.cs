using System.Text.Json.Nodes;

namespace WaypointWebhook.Tests.Admission;

/// <summary>
/// Applies the "add" operations of a JSON Patch the way the API server does (RFC 6902), so tests check
/// the patched object rather than the patch's text alone.
/// </summary>
public static class JsonPatchApplier
{
    public static JsonNode Apply(JsonNode document, string patch)
    {
        var result = document.DeepClone();
        foreach (var operation in JsonNode.Parse(patch)!.AsArray())
        {
            Assert.Equal("add", (string?)operation!["op"]);
            var tokens = ((string)operation["path"]!).Split('/').Skip(1).Select(t => t.Replace("~1", "/").Replace("~0", "~")).ToArray();
            var parent = result;
            foreach (var token in tokens[..^1])
            {
                parent = parent[token] ?? throw new InvalidOperationException($"path segment {token} does not exist: the API server would reject this patch");
            }

            parent.AsObject()[tokens[^1]] = operation["value"]!.DeepClone();
        }

        return result;
    }
}
