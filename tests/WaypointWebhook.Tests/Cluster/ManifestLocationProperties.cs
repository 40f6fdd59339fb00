using System.Text;
using CsCheck;
using WaypointWebhook.Cluster;

namespace WaypointWebhook.Tests.Cluster;

/// <summary>
/// Random manifest files whose generator knows where it wrote each object and label: comments and blank
/// lines anywhere, <c>---</c> with and without comments, block and flow labels, label keys several lines
/// into the object, pod templates, <c>kind: List</c>, several JSON values, CRLF, a byte order mark and
/// non-ASCII text. The reader must find every position the generator noted.
/// </summary>
public sealed class ManifestLocationProperties : IDisposable
{
    private const string Key = "istio.io/use-waypoint";

    private readonly string dir = Directory.CreateTempSubdirectory("waypoint-location-props-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    /// <summary>Text written line by line, noting the 1-based line and column of what matters.</summary>
    private sealed class Text
    {
        private readonly List<string> lines = [];

        public int Line => lines.Count + 1;

        public void Add(string line) => lines.Add(line);

        public string Join(string newline) => string.Join(newline, lines) + newline;
    }

    /// <summary>One object: its name, whether it is a Deployment (label in the pod template), the filler before the label, and the style.</summary>
    private sealed record Shape(bool Deployment, int FillerLabels, bool CommentInside, bool FlowLabels, int CommentsBefore, bool SeparatorComment);

    private static readonly Gen<Shape> Shapes = Gen.Select(Gen.Bool, Gen.Int[0, 3], Gen.Bool, Gen.Bool, Gen.Int[0, 2], Gen.Bool)
        .Select((d, f, c, flow, before, sep) => new Shape(d, f, c, flow, before, sep));

    /// <summary>Writes one YAML object at <paramref name="indent"/> (a List item's first line takes "- "); returns (start, label) positions.</summary>
    private static (TextPosition Start, TextPosition Label) WriteYaml(Text text, Shape shape, string name, string indent, bool listItem)
    {
        var first = listItem ? indent[..^2] + "- " : indent;
        var start = new TextPosition(text.Line, first.Length + 1);
        text.Add($"{first}apiVersion: {(shape.Deployment ? "apps/v1" : "v1")}");
        text.Add($"{indent}kind: {(shape.Deployment ? "Deployment" : "Pod")}");
        text.Add($"{indent}metadata:");
        text.Add($"{indent}  name: {name}");
        var meta = indent + "  ";
        if (shape.Deployment)
        {
            text.Add($"{indent}spec:");
            text.Add($"{indent}  template:");
            text.Add($"{indent}    metadata:");
            meta = indent + "      ";
        }

        if (shape.CommentInside)
        {
            text.Add($"{meta}# ü comment before the labels");
        }

        var filler = Enumerable.Range(0, shape.FillerLabels).Select(i => $"k{i}: \"v{i}\"").ToList();
        if (shape.FlowLabels)
        {
            var before = $"{meta}labels: {{{string.Concat(filler.Select(f => f + ", "))}";
            var label = new TextPosition(text.Line, before.Length + 1);
            text.Add($"{before}{Key}: None}}");
            return (start, label);
        }

        text.Add($"{meta}labels:");
        foreach (var f in filler)
        {
            text.Add($"{meta}  {f}");
        }

        var at = new TextPosition(text.Line, meta.Length + 3);
        text.Add($"{meta}  {Key}: None   # the opt-out is lowercase");
        return (start, at);
    }

    /// <summary>A file of its own per sample: CsCheck runs samples on several threads.</summary>
    private string WriteFile(string name, string content, bool bom, bool crlf)
    {
        var path = Path.Combine(dir, $"{Guid.NewGuid():N}-{name}");
        var text = crlf ? content.Replace("\n", "\r\n") : content;
        File.WriteAllBytes(path, [.. bom ? Encoding.UTF8.Preamble : [], .. Encoding.UTF8.GetBytes(text)]);
        return path;
    }

    private static List<string> Found(string path) =>
        ManifestReader.Read([path], locate: true).Select(m =>
        {
            var field = m.Kind.Kind == "Deployment" ? $"spec.template.metadata.labels[{Key}]" : $"metadata.labels[{Key}]";
            return $"{m.Object.Metadata!.Name} {m.Location!.Start} {m.Location.Find(field)}";
        }).ToList();

    [Fact]
    public void Multi_document_yaml()
    {
        Gen.Select(Shapes.Array[1, 5], Gen.Bool, Gen.Bool, Gen.Bool).Sample((shapes, leadingSeparator, bom, crlf) =>
        {
            var text = new Text();
            var expected = new List<string>();
            for (var i = 0; i < shapes.Length; i++)
            {
                var shape = shapes[i];
                for (var c = 0; c < shape.CommentsBefore; c++)
                {
                    text.Add(c % 2 == 0 ? "# a comment before the document" : string.Empty);
                }

                if (i > 0 || leadingSeparator)
                {
                    text.Add(shape.SeparatorComment ? "--- # next" : "---");
                }

                var (start, label) = WriteYaml(text, shape, $"o{i}", string.Empty, listItem: false);
                expected.Add($"o{i} {start} {label}");
            }

            Assert.Equal(expected, Found(WriteFile("multi.yaml", text.Join("\n"), bom, crlf)));
        }, iter: 200);
    }

    [Fact]
    public void Yaml_list_items()
    {
        Gen.Select(Shapes.Array[1, 4], Gen.Int[1, 2], Gen.Bool, Gen.Bool).Sample((shapes, extraIndent, bom, crlf) =>
        {
            var text = new Text();
            var expected = new List<string>();
            text.Add("apiVersion: v1");
            text.Add("kind: List");
            text.Add("items:");
            var indent = new string(' ', 2 * extraIndent);
            for (var i = 0; i < shapes.Length; i++)
            {
                if (shapes[i].CommentsBefore > 0)
                {
                    text.Add("# between items");
                }

                var (start, label) = WriteYaml(text, shapes[i], $"o{i}", indent, listItem: true);
                expected.Add($"o{i} {start} {label}");
            }

            Assert.Equal(expected, Found(WriteFile("list.yaml", text.Join("\n"), bom, crlf)));
        }, iter: 200);
    }

    [Fact]
    public void Json_values_and_lists()
    {
        // JSON written with newlines and spaces in chosen places; positions counted in the text itself.
        var gaps = Gen.OneOf(Gen.Const(""), Gen.Const(" "), Gen.Const("\n"), Gen.Const("\n  "), Gen.Const("\n// c\n"));
        Gen.Select(Gen.Select(Gen.Bool, gaps, gaps, Gen.Int[0, 2]).Array[1, 4], Gen.Bool, Gen.Bool, Gen.Bool).Sample((objects, asList, bom, crlf) =>
        {
            var json = new StringBuilder();
            var marks = new List<(string Name, int Start, int Label)>();
            if (asList)
            {
                json.Append("{\"apiVersion\": \"v1\", \"kind\": \"List\",\n \"items\": [");
            }

            for (var i = 0; i < objects.Length; i++)
            {
                var (deployment, gap1, gap2, filler) = objects[i];
                json.Append(i > 0 && asList ? ",\n" : "\n");
                var start = json.Length;
                var name = $"ö{i}";
                json.Append($"{{\"apiVersion\": \"{(deployment ? "apps/v1" : "v1")}\",{gap1}\"kind\": \"{(deployment ? "Deployment" : "Pod")}\",");
                json.Append($"{gap2}\"metadata\": {{\"name\": \"{name}\"");
                var close = "}";
                if (deployment)
                {
                    json.Append($"}},{gap1}\"spec\": {{\"template\": {{\"metadata\": {{");
                    close = "}}}";
                }
                else
                {
                    json.Append(',');
                }

                json.Append($"{gap2}\"labels\": {{{string.Concat(Enumerable.Range(0, filler).Select(f => $"\"k{f}\": \"ü\",{gap1}"))}");
                var label = json.Length;
                json.Append($"\"{Key}\": \"None\"}}{close}}}");
                marks.Add((name, start, label));
            }

            if (asList)
            {
                json.Append("\n]}");
            }

            var content = json.ToString();
            var expected = marks.Select(m => $"{m.Name} {Position(content, m.Start)} {Position(content, m.Label)}").ToList();
            Assert.Equal(expected, Found(WriteFile("objects.json", content, bom, crlf)));
        }, iter: 200);
    }

    /// <summary>The 1-based line and UTF-16 column of a character index, as an editor counts them.</summary>
    private static TextPosition Position(string text, int index)
    {
        var lineStart = text.LastIndexOf('\n', Math.Max(index - 1, 0)) + 1;
        return new TextPosition(text[..index].Count(c => c == '\n') + 1, index - (index == 0 ? 0 : lineStart) + 1);
    }
}
