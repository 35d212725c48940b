using System.Text.Json;
using System.Text.RegularExpressions;
using Portal.Core.Sla;

namespace Portal.Tests.Core.Sla;

/// <summary>docs/sla.md, the SLA contract users and admins read, shows what the engine does.</summary>
public sealed class SlaDocumentTests
{
    internal static string Root()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "InternalDesk.sln")))
            folder = folder.Parent;
        Assert.NotNull(folder);
        return folder.FullName;
    }

    private static string Document() => File.ReadAllText(Path.Combine(Root(), "docs", "sla.md"));

    [Fact]
    public void EveryLinkInTheReadmeAndDocs_AndEveryDocsPathInTheCode_Resolves()
    {
        var root = Root();
        var missing = new List<string>();
        var pages = Directory.GetFiles(Path.Combine(root, "docs"), "*.md", SearchOption.AllDirectories).Append(Path.Combine(root, "README.md"));
        foreach (var page in pages)
        {
            foreach (Match m in Regex.Matches(File.ReadAllText(page), @"\]\(([^)#\s]+)(#[^)]*)?\)"))
            {
                var link = m.Groups[1].Value;
                if (!link.Contains("://", StringComparison.Ordinal) && !link.StartsWith("mailto:", StringComparison.Ordinal)
                    && !Path.Exists(Path.Combine(Path.GetDirectoryName(page)!, link)))
                    missing.Add($"{Path.GetRelativePath(root, page)}: {link}");
            }
        }

        var code = new[] { "Portal", "Portal.Core", "Portal.Tests", "Portal.Benchmarks" }
            .SelectMany(d => Directory.GetFiles(Path.Combine(root, d), "*.*", SearchOption.AllDirectories))
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".razor", StringComparison.Ordinal) || f.EndsWith(".props", StringComparison.Ordinal))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Append(Path.Combine(root, "Directory.Packages.props"));
        foreach (var file in code)
            foreach (Match m in Regex.Matches(File.ReadAllText(file), @"docs/[A-Za-z0-9/_.-]+\.md"))
                if (!File.Exists(Path.Combine(root, m.Value)))
                    missing.Add($"{Path.GetRelativePath(root, file)}: {m.Value}");
        Assert.Empty(missing);
    }

    [Fact]
    public void TheDocumentsScenario_GivesTheDocumentsResult()
    {
        var blocks = Regex.Matches(Document(), "```json\n(.*?)```", RegexOptions.Singleline).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(2, blocks.Count);
        using var expected = JsonDocument.Parse(blocks[1]);
        using var actual = JsonDocument.Parse(SlaSimulator.Run(blocks[0]));
        Assert.True(JsonElement.DeepEquals(expected.RootElement, actual.RootElement), SlaSimulator.Run(blocks[0]));
    }
}
