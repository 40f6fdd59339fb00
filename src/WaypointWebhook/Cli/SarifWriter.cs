using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json;
using WaypointWebhook.Cluster;

namespace WaypointWebhook.Cli;

/// <summary>
/// <c>analyze -o sarif</c>: SARIF 2.1.0, one run, one rule per reason code, what code-scanning services read
/// to annotate a pull request's diff at the reported line. Written with Utf8JsonWriter: the shape is fixed
/// by the standard, and every property is in plain sight here.
/// </summary>
public static class SarifWriter
{
    /// <summary>
    /// The project's home: SARIF's <c>tool.driver.informationUri</c>, and the base of each rule's <c>helpUri</c>.
    /// The repository records no public address yet; this is the one place to change when it has one.
    /// </summary>
    public const string InformationUri = "https://github.com/waypoint-webhook/waypoint-webhook";

    /// <summary>The README, whose "Reason codes" section has a heading per code.</summary>
    public const string ReadmeUri = InformationUri + "/blob/main/README.md";

    public const string SchemaUri = "https://json.schemastore.org/sarif-2.1.0.json";

    public static void Write(TextWriter output, IReadOnlyList<AnalyzedFinding> findings, string workingDirectory)
    {
        var rules = ReasonCodeHelp.All
            .Concat(findings.Select(f => f.Finding.Reason).Distinct().Where(c => !ReasonCodeHelp.IsKnown(c)).Select(ReasonCodeHelp.For))
            .ToList();
        var ruleIndex = rules.Select((r, i) => (r.Code, i)).ToDictionary(p => p.Code, p => p.i, StringComparer.Ordinal);

        using var stream = new MemoryStream();
        // Relaxed escaping keeps quotes and <name> readable in messages; the file is never embedded in HTML.
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("$schema", SchemaUri);
            json.WriteString("version", "2.1.0");
            json.WriteStartArray("runs");
            json.WriteStartObject();
            WriteTool(json, rules);

            // Columns are counted as UTF-16 code units (TextPosition), SARIF's default, said explicitly.
            json.WriteString("columnKind", "utf16CodeUnits");
            json.WriteStartArray("results");
            foreach (var finding in findings)
            {
                WriteResult(json, finding, ruleIndex[finding.Finding.Reason], workingDirectory);
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }

        output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    /// <summary>
    /// A file's <c>artifactLocation.uri</c>: relative to the working directory (where the pipeline checked the
    /// repository out), with forward slashes and each segment escaped; standard input has no file, only its name.
    /// </summary>
    public static string ArtifactUri(string file, string workingDirectory)
    {
        if (file == ManifestReader.StdinName)
        {
            return Uri.EscapeDataString(file);
        }

        var full = Path.GetFullPath(file, workingDirectory);
        var relative = Path.GetRelativePath(workingDirectory, full);
        return Path.IsPathRooted(relative)
            ? new Uri(full).AbsoluteUri // another drive: no relative form exists
            : string.Join('/', relative.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar).Select(Uri.EscapeDataString));
    }

    private static void WriteTool(Utf8JsonWriter json, List<ReasonCodeHelp> rules)
    {
        json.WriteStartObject("tool");
        json.WriteStartObject("driver");
        json.WriteString("name", "WaypointWebhook");
        json.WriteString("version", Version);
        json.WriteString("informationUri", InformationUri);
        json.WriteStartArray("rules");
        foreach (var rule in rules)
        {
            json.WriteStartObject();
            json.WriteString("id", rule.Code);
            json.WriteString("name", rule.Code);
            Message(json, "shortDescription", rule.Short);
            Message(json, "fullDescription", rule.Full);
            json.WriteString("helpUri", $"{ReadmeUri}#{rule.Anchor}");
            json.WriteStartObject("defaultConfiguration");
            json.WriteString("level", rule.Level);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteResult(Utf8JsonWriter json, AnalyzedFinding finding, int ruleIndex, string workingDirectory)
    {
        json.WriteStartObject();
        json.WriteString("ruleId", finding.Finding.Reason);
        json.WriteNumber("ruleIndex", ruleIndex);
        json.WriteString("level", finding.Level == FindingLevel.Error ? "error" : "warning");
        Message(json, "message", finding.Finding.Message);
        json.WriteStartArray("locations");
        json.WriteStartObject();
        if (finding.Location is { } location)
        {
            json.WriteStartObject("physicalLocation");
            json.WriteStartObject("artifactLocation");
            json.WriteString("uri", ArtifactUri(location.File, workingDirectory));
            json.WriteEndObject();
            json.WriteStartObject("region");
            json.WriteNumber("startLine", location.At.Line);
            json.WriteNumber("startColumn", location.At.Column);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteStartArray("logicalLocations");
        json.WriteStartObject();
        json.WriteString("name", finding.Object.Name);
        json.WriteString("fullyQualifiedName", finding.Object.ToString());
        json.WriteString("kind", finding.Object.Kind);
        if (finding.Object.Namespace is { } ns)
        {
            json.WriteStartObject("properties");
            json.WriteString("namespace", ns);
            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteStartObject("properties");
        json.WriteString("field", finding.Finding.Field);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void Message(Utf8JsonWriter json, string property, string text)
    {
        json.WriteStartObject(property);
        json.WriteString("text", text);
        json.WriteEndObject();
    }

    /// <summary>The assembly's informational version without build metadata (the commit a SourceLink build appends).</summary>
    private static string Version =>
        typeof(SarifWriter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(SarifWriter).Assembly.GetName().Version?.ToString() ?? "0.0.0";
}
