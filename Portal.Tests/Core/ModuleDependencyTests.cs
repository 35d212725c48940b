using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Portal.Tests.Core;

/// <summary>
/// Core's feature folders depend on each other in one direction only (docs/decisions/0021-core-modules.md): a module may
/// use the modules listed before it, never one after it. Read from the compiled assembly, so every use counts: a type in a
/// signature, a call, a field, a lambda's expression tree, a generic argument. Persistence is the composition root (the
/// DbContext and the model configuration know every record) and is left out of the order.
/// </summary>
public class ModuleDependencyTests
{
    /// <summary>Bottom first. A module may span folders whose records refer to each other by navigation.</summary>
    internal static readonly string[][] Layers =
    [
        ["Common"],
        ["Security"],
        ["Operations"],
        ["Departments", "Users"],
        ["Tickets"],
        ["Audit"],
        ["Sla"],
        ["Notifications"],
        ["Routing"],
        ["Handling"],
        ["Escalations"],
        ["Assets"],
        ["Complaints"],
        ["Catalog"],
        ["Approvals"],
        ["Knowledge"],
        ["Responses"],
        ["Reporting"],
        ["Mail"],
        ["Admin"],
    ];

    private const string Root = "Portal.Core.";

    [Fact]
    public void No_module_uses_one_above_it()
    {
        var level = Layers.SelectMany((folders, i) => folders.Select(f => (f, i))).ToDictionary(x => x.f, x => x.i);
        var uses = FolderUses();
        var unknown = uses.Keys.Where(f => f != "Persistence" && !level.ContainsKey(f)).ToList();
        Assert.True(unknown.Count == 0, $"Folders missing from the module order: {string.Join(", ", unknown)}");

        var upward = (from pair in uses
                      where level.ContainsKey(pair.Key)
                      from used in pair.Value
                      where level.TryGetValue(used.Folder, out var l) && l > level[pair.Key]
                      group used.Where by $"{pair.Key} uses {used.What}" into g
                      select $"{g.Key} (in {g.Order().First()})").Order().ToList();
        Assert.True(upward.Count == 0, "Upward dependencies:\n" + string.Join("\n", upward));
    }

    [Fact]
    public void The_checker_sees_uses_inside_method_bodies()
    {
        // The pipeline (Handling) calls the SLA in a method body only; if the reader missed bodies this would be empty.
        var uses = FolderUses();
        Assert.Contains(uses["Handling"], u => u.Folder == "Sla");
        Assert.Contains(uses["Complaints"], u => u.Folder == "Handling");
    }

    private sealed record Use(string Folder, string Where, string What);

    private static Dictionary<string, List<Use>> FolderUses()
    {
        using var module = ModuleDefinition.ReadModule(typeof(Portal.Core.Persistence.DeskDbContext).Assembly.Location);
        var result = new Dictionary<string, List<Use>>();
        foreach (var type in module.Types)
        {
            if (Folder(type) is not { } folder) continue;
            var list = result.TryGetValue(folder, out var l) ? l : result[folder] = [];
            foreach (var (where, used) in Referenced(type))
                if (Folder(used) is { } other && other != folder)
                    list.Add(new Use(other, where, used.FullName));
        }
        return result;
    }

    private static string? Folder(TypeReference type)
    {
        while (type.DeclaringType is not null) type = type.DeclaringType;
        if (type.Scope?.Name is { } scope && !scope.StartsWith("Portal.Core", StringComparison.Ordinal) && type.Module.Assembly.Name.Name != "Portal.Core")
            return null;
        var ns = type.Namespace;
        if (!ns.StartsWith(Root, StringComparison.Ordinal)) return null;
        var rest = ns[Root.Length..];
        var dot = rest.IndexOf('.');
        return dot < 0 ? rest : rest[..dot];
    }

    private static IEnumerable<(string Where, TypeReference Used)> Referenced(TypeDefinition type)
    {
        var name = type.Name;
        foreach (var t in Expand(type.BaseType)) yield return (name, t);
        foreach (var i in type.Interfaces) foreach (var t in Expand(i.InterfaceType)) yield return (name, t);
        foreach (var a in type.CustomAttributes) foreach (var t in Expand(a.AttributeType)) yield return (name, t);
        foreach (var f in type.Fields) foreach (var t in Expand(f.FieldType)) yield return ($"{name}.{f.Name}", t);
        foreach (var p in type.Properties) foreach (var t in Expand(p.PropertyType)) yield return ($"{name}.{p.Name}", t);
        foreach (var m in type.Methods)
        {
            var where = $"{name}.{m.Name}";
            foreach (var t in Expand(m.ReturnType)) yield return (where, t);
            foreach (var p in m.Parameters) foreach (var t in Expand(p.ParameterType)) yield return (where, t);
            if (!m.HasBody) continue;
            foreach (var v in m.Body.Variables) foreach (var t in Expand(v.VariableType)) yield return (where, t);
            foreach (var op in m.Body.Instructions.Select(i => i.Operand))
            {
                IEnumerable<TypeReference> found = op switch
                {
                    TypeReference tr => Expand(tr),
                    MethodReference mr => Expand(mr.DeclaringType).Concat(Expand(mr.ReturnType))
                        .Concat(mr.Parameters.SelectMany(p => Expand(p.ParameterType)))
                        .Concat(mr is GenericInstanceMethod g ? g.GenericArguments.SelectMany(Expand) : []),
                    FieldReference fr => Expand(fr.DeclaringType).Concat(Expand(fr.FieldType)),
                    _ => [],
                };
                foreach (var t in found) yield return (where, t);
            }
        }
        foreach (var nested in type.NestedTypes)
            foreach (var r in Referenced(nested)) yield return ($"{name}/{r.Where}", r.Used);
    }

    private static IEnumerable<TypeReference> Expand(TypeReference? type)
    {
        switch (type)
        {
            case null: yield break;
            case GenericInstanceType g:
                foreach (var t in Expand(g.ElementType)) yield return t;
                foreach (var a in g.GenericArguments) foreach (var t in Expand(a)) yield return t;
                break;
            case TypeSpecification s:
                foreach (var t in Expand(s.ElementType)) yield return t;
                break;
            case GenericParameter: yield break;
            default: yield return type; break;
        }
    }
}
