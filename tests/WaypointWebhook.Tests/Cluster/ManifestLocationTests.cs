using System.Text;
using WaypointWebhook.Cluster;

namespace WaypointWebhook.Tests.Cluster;

/// <summary>Where <see cref="ManifestReader"/> says each object and field is written, for every file shape.</summary>
public sealed class ManifestLocationTests : IDisposable
{
    private const string UseWaypoint = "metadata.labels[istio.io/use-waypoint]";

    private readonly string dir = Directory.CreateTempSubdirectory("waypoint-locations-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    /// <summary>Each object as <c>Kind name file-name start field</c>, the field being the use-waypoint label wherever the kind keeps it.</summary>
    private static List<string> Describe(IEnumerable<Manifest> manifests) =>
        manifests.Select(m =>
        {
            var location = m.Location!;
            var field = m.Kind.Kind == "Deployment" ? "spec.template." + UseWaypoint : UseWaypoint;
            return $"{m.Kind.Kind} {m.Object.Metadata?.Name} {Path.GetFileName(location.File)} {location.Start} {location.Find(field)?.ToString() ?? "-"}";
        }).ToList();

    private string WriteBytes(string name, string text, bool bom = false, bool crlf = false)
    {
        var path = Path.Combine(dir, name);
        var content = crlf ? text.Replace("\n", "\r\n") : text;
        File.WriteAllBytes(path, [.. bom ? Encoding.UTF8.Preamble : [], .. Encoding.UTF8.GetBytes(content)]);
        return path;
    }

    private const string MultiDocument = """
        # leading comment
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: a
          # a comment inside the object
          labels:
            app: a
            istio.io/use-waypoint: w   # trailing comment
        ---
        # the second document starts after its comments
        apiVersion: v1
        kind: Service
        metadata: {name: b, labels: {istio.io/use-waypoint: w}}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: c
        spec:
          template:
            metadata:
              labels:
                istio.io/use-waypoint: None
        """;

    private static readonly string[] MultiDocumentExpected =
    [
        "Pod a {0} 3:1 10:5",
        "Service b {0} 13:1 15:30",
        "Deployment c {0} 17:1 25:9",
    ];

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void Multi_document_yaml_with_comments_and_a_leading_separator_under_bom_and_crlf(bool bom, bool crlf)
    {
        var file = WriteBytes("multi.yaml", MultiDocument, bom, crlf);

        var manifests = ManifestReader.Read([file], locate: true);

        Assert.Equal(MultiDocumentExpected.Select(e => string.Format(e, "multi.yaml")), Describe(manifests));
    }

    [Theory]
    [InlineData("")]
    [InlineData("\uFEFF")] // a byte order mark the console's decoder left in the text
    public void Standard_input_is_named_stdin(string bom)
    {
        var manifests = ManifestReader.Read(["-"], new StringReader(bom + MultiDocument.Replace("\n", "\r\n")), locate: true);

        Assert.Equal(MultiDocumentExpected.Select(e => string.Format(e, "<stdin>")), Describe(manifests));
    }

    [Fact]
    public void A_relative_path_is_kept_as_given_and_directories_name_files_below_it()
    {
        var sub = Directory.CreateDirectory(Path.Combine(dir, "deploy", "apps")).FullName;
        File.WriteAllText(Path.Combine(sub, "pod.yml"), "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n");
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, Path.Combine(dir, "deploy"));

        var manifest = Assert.Single(ManifestReader.Read([relative], locate: true));

        Assert.Equal(Path.Combine(relative, "apps", "pod.yml"), manifest.Location!.File);
        Assert.False(Path.IsPathRooted(manifest.Location.File));
    }

    [Fact]
    public void Yaml_list_items_start_at_their_first_key_and_aliased_labels_at_the_alias()
    {
        var file = WriteBytes("list.yaml", """
            apiVersion: v1
            kind: List
            items:
            - apiVersion: v1
              kind: Pod
              metadata:
                name: a
                labels: &shared
                  istio.io/use-waypoint: w
            -   apiVersion: v1
                kind: Pod
                metadata:
                  name: b
                  labels: *shared
            """);

        var manifests = ManifestReader.Read([file], locate: true);

        Assert.Equal(["Pod a list.yaml 4:3 9:7", "Pod b list.yaml 10:5 14:7"], Describe(manifests));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void Json_values_and_list_items_with_bom_and_crlf_and_a_missing_label_at_its_nearest_parent(bool bom, bool crlf)
    {
        var file = WriteBytes("objects.json", """
            {"apiVersion": "v1", "kind": "Pod",
             "metadata": {"name": "a", "labels": {"istio.io/use-waypoint": "w"}}}
            // a comment between values
            {
              "apiVersion": "v1",
              "kind": "List",
              "items": [
                {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "b"}},
                {
                  "apiVersion": "v1", "kind": "Pod",
                  "metadata": {"name": "ü",
                    "labels": {
                      "app": "ü", "istio.io/use-waypoint": "w"}}}
              ]
            }
            """, bom, crlf);

        var manifests = ManifestReader.Read([file], locate: true);

        Assert.Equal(["Pod a objects.json 1:1 2:39", "Service b objects.json 8:5 8:45", "Pod ü objects.json 9:5 13:23"], Describe(manifests));
    }

    [Fact]
    public void Gateway_listeners_and_nested_fields_have_positions_and_an_unknown_field_falls_back_to_its_parent()
    {
        var location = Assert.Single(ManifestReader.ReadText("""
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: w}
            spec:
              gatewayClassName: istio-waypoint
              listeners:
              - name: mesh
                port: 15008
                allowedRoutes:
                  namespaces: {from: Selector}
            """, "gw.yaml", locate: true)).Location!;

        Assert.Equal(new TextPosition(6, 3), location.Find("spec.listeners"));
        Assert.Equal(new TextPosition(7, 5), location.Find("spec.listeners[0]"));
        Assert.Equal(new TextPosition(10, 7), location.Find("spec.listeners[0].allowedRoutes.namespaces.selector"));
        Assert.Equal(new TextPosition(3, 1), location.Find("metadata.labels[istio.io/waypoint-for]"));
        Assert.Null(location.Find("status.addresses"));
    }

    [Fact]
    public void Annotations_are_read_beside_the_object_and_only_the_objects_own()
    {
        var manifest = Assert.Single(ManifestReader.ReadText("""
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: d
              annotations:
                waypoint.istio.io/analyze-suppress: "InvalidLabelValue, NotInAmbient"
                other: "1"
            spec:
              template:
                metadata:
                  annotations: {inner: x}
            """, "d.yaml", locate: true));

        Assert.Equal(["waypoint.istio.io/analyze-suppress=InvalidLabelValue, NotInAmbient", "other=1"], manifest.Annotations.Select(a => $"{a.Key}={a.Value}"));
    }

    [Fact]
    public void Without_locate_nothing_is_recorded()
    {
        var manifest = Assert.Single(ManifestReader.ReadText("apiVersion: v1\nkind: Pod\nmetadata: {name: p, annotations: {a: b}}\n", "p.yaml"));

        Assert.Null(manifest.Location);
        Assert.Empty(manifest.Annotations);
    }
}
