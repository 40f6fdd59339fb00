using Mono.Cecil;
using Mono.Cecil.Cil;
using NetArchTest.Rules;
using WaypointWebhook.Policy;

namespace WaypointWebhook.Tests.Architecture;

/// <summary>
/// The layers of the design, pinned: a dependency that breaks one fails here, not in a review.
/// Policy (pure) ← Objects ← Cluster ← Cluster.Live; Admission reads Cluster; Settings; Hosting and Cli
/// on top, composed by Program alone.
/// </summary>
public sealed class LayerTests
{
    private static readonly System.Reflection.Assembly Webhook = typeof(Program).Assembly;
    private static readonly System.Reflection.Assembly PolicyAssembly = typeof(WaypointPolicy).Assembly;

    private static string Failing(TestResult result) =>
        string.Join(", ", result.FailingTypeNames ?? []);

    [Fact]
    public void The_policy_depends_on_FluentValidation_and_the_runtime_only()
    {
        // Our namespaces only: collection expressions make the compiler emit helper types of its own
        // (<>z__ReadOnly...) in the global namespace.
        var result = Types.InAssembly(PolicyAssembly).That().ResideInNamespace("WaypointWebhook.Policy").Should()
            .OnlyHaveDependenciesOn("System", "FluentValidation", "WaypointWebhook.Policy", "Microsoft.CodeAnalysis")
            .GetResult();

        Assert.True(result.IsSuccessful, Failing(result));
    }

    [Theory]
    [InlineData("WaypointWebhook.Admission", new[] { "WaypointWebhook.Cluster.Live", "WaypointWebhook.Hosting", "WaypointWebhook.Cli", "WaypointWebhook.Settings" })]
    [InlineData("WaypointWebhook.Objects", new[] { "WaypointWebhook.Admission", "WaypointWebhook.Cluster", "WaypointWebhook.Hosting", "WaypointWebhook.Cli", "WaypointWebhook.Settings", "k8s", "Microsoft.AspNetCore" })]
    [InlineData("WaypointWebhook.Settings", new[] { "WaypointWebhook.Hosting", "WaypointWebhook.Cli", "WaypointWebhook.Cluster", "Microsoft.AspNetCore" })]
    [InlineData("WaypointWebhook.Cli", new[] { "WaypointWebhook.Hosting", "WaypointWebhook.Admission", "Microsoft.AspNetCore" })]
    [InlineData("WaypointWebhook.Hosting", new[] { "WaypointWebhook.Cli" })]
    // What /unbound and analyze share: the policy's verdicts, shaped; no I/O, no cluster access of its own.
    [InlineData("WaypointWebhook.Audit", new[] { "WaypointWebhook.Hosting", "WaypointWebhook.Cli", "WaypointWebhook.Admission", "WaypointWebhook.Cluster", "WaypointWebhook.Settings", "k8s", "Microsoft.AspNetCore" })]
    public void A_layer_does_not_reach_up(string layer, string[] forbidden)
    {
        var result = Types.InAssembly(Webhook).That().ResideInNamespace(layer).ShouldNot().HaveDependencyOnAny(forbidden).GetResult();

        Assert.True(result.IsSuccessful, Failing(result));
    }

    [Fact]
    public void The_cluster_view_knows_neither_admission_nor_the_host()
    {
        var result = Types.InAssembly(Webhook).That().ResideInNamespace("WaypointWebhook.Cluster")
            .ShouldNot().HaveDependencyOnAny("WaypointWebhook.Admission", "WaypointWebhook.Hosting", "WaypointWebhook.Cli", "WaypointWebhook.Settings", "Microsoft.AspNetCore")
            .GetResult();

        Assert.True(result.IsSuccessful, Failing(result));
    }

    [Theory]
    [InlineData("WaypointWebhook.Hosting")]
    [InlineData("WaypointWebhook.Cli")]
    public void Only_the_composition_root_depends_on_the_top_layers(string top)
    {
        var result = Types.InAssembly(Webhook).That().DoNotResideInNamespace(top).And().DoNotHaveName(nameof(Program))
            .ShouldNot().HaveDependencyOn(top).GetResult();

        Assert.True(result.IsSuccessful, Failing(result));
    }

    [Fact]
    public void No_two_namespaces_of_the_webhook_depend_on_each_other_in_a_cycle()
    {
        var graph = NamespaceGraph(Webhook.Location);

        var cycle = FindCycle(graph);

        Assert.True(cycle is null, $"namespace cycle: {string.Join(" -> ", cycle ?? [])}");
        Assert.Contains("WaypointWebhook.Cluster.Live", graph["WaypointWebhook.Hosting"]); // the graph is real: the host runs the live view
    }

    [Fact]
    public void No_two_namespaces_of_the_policy_depend_on_each_other_in_a_cycle()
    {
        var graph = NamespaceGraph(PolicyAssembly.Location);

        var cycle = FindCycle(graph);

        Assert.True(cycle is null, $"namespace cycle: {string.Join(" -> ", cycle ?? [])}");
        Assert.Contains("WaypointWebhook.Policy.Checks", graph["WaypointWebhook.Policy.Rules"]); // the rules read the checks
    }

    /// <summary>Which of the assembly's own namespaces each of its namespaces uses, from signatures and method bodies.</summary>
    private static Dictionary<string, HashSet<string>> NamespaceGraph(string path)
    {
        using var module = ModuleDefinition.ReadModule(path);
        var own = module.Types.Select(t => t.Namespace).Where(n => n.StartsWith("WaypointWebhook", StringComparison.Ordinal)).ToHashSet();
        var graph = own.ToDictionary(n => n, _ => new HashSet<string>());
        foreach (var type in module.GetTypes())
        {
            var from = Outermost(type).Namespace;
            if (!graph.TryGetValue(from, out var edges))
            {
                continue;
            }

            foreach (var used in Referenced(type))
            {
                var to = used.IsNested ? Outermost(used).Namespace : used.Namespace;
                if (to != from && own.Contains(to))
                {
                    edges.Add(to);
                }
            }
        }

        return graph;
    }

    private static TypeReference Outermost(TypeReference type) => type.DeclaringType is { } outer ? Outermost(outer) : type;

    private static IEnumerable<TypeReference> Referenced(TypeDefinition type)
    {
        if (type.BaseType is { } baseType)
        {
            yield return baseType;
        }

        foreach (var i in type.Interfaces)
        {
            yield return i.InterfaceType;
        }

        foreach (var field in type.Fields)
        {
            yield return field.FieldType;
        }

        foreach (var property in type.Properties)
        {
            yield return property.PropertyType;
        }

        foreach (var method in type.Methods)
        {
            yield return method.ReturnType;
            foreach (var parameter in method.Parameters)
            {
                yield return parameter.ParameterType;
            }

            if (!method.HasBody)
            {
                continue;
            }

            foreach (var variable in method.Body.Variables)
            {
                yield return variable.VariableType;
            }

            foreach (var instruction in method.Body.Instructions)
            {
                switch (instruction.Operand)
                {
                    case TypeReference t:
                        yield return t;
                        break;
                    case MemberReference { DeclaringType: { } declaring }:
                        yield return declaring;
                        break;
                }
            }
        }
    }

    private static List<string>? FindCycle(Dictionary<string, HashSet<string>> graph)
    {
        var state = new Dictionary<string, int>(); // 1: on the path, 2: done
        var path = new List<string>();

        List<string>? Visit(string node)
        {
            state[node] = 1;
            path.Add(node);
            foreach (var next in graph[node])
            {
                if (state.GetValueOrDefault(next) == 1)
                {
                    return [.. path.SkipWhile(n => n != next), next];
                }

                if (state.GetValueOrDefault(next) == 0 && Visit(next) is { } found)
                {
                    return found;
                }
            }

            path.RemoveAt(path.Count - 1);
            state[node] = 2;
            return null;
        }

        return graph.Keys.Order(StringComparer.Ordinal).Where(n => state.GetValueOrDefault(n) == 0).Select(Visit).FirstOrDefault(c => c is not null);
    }
}
