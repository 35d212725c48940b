using Bunit;
using Portal.Core.Knowledge;
using Portal.Core.Tickets;
using Portal.Features.Knowledge;
using Portal.Tests.Support;

namespace Portal.Tests.Components;

/// <summary>The editor's files panel: asks for a first save, lists the article's files, and inserts one into the text.</summary>
public class ArticleFilesPanelTests : IAsyncLifetime
{
    private TestDatabase _db = default!;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task ANewArticle_AsksForASaveFirst_ASavedOne_ListsItsFiles_AndInsertHandsOverTheImagesMarkdown()
    {
        var org = _db.Org;
        var agent = org.ActorFor(org.ItAgent);
        var id = await _db.Get<KnowledgeService>().SaveAsync(agent, new ArticleInput(null, org.It.Id, "Dock", "", "Plug it in.", "", ArticleState.Draft,
            ArticleVisibility.Everyone));
        var shot = (await _db.Get<ArticleFileService>().AddAsync(agent, id, [new NewAttachment("dock.png", "", [0x89, 0x50])]))[0];

        await using var ctx = DeskBunit.Create(_db, org.ItAgent);
        var unsaved = ctx.Render<ArticleFilesPanel>(p => p.Add(x => x.Actor, agent).Add(x => x.ArticleId, (int?)null));
        Assert.Contains("Save the article once", unsaved.Markup);

        string? inserted = null;
        var panel = ctx.Render<ArticleFilesPanel>(p => p.Add(x => x.Actor, agent).Add(x => x.ArticleId, id).Add(x => x.Insert, (string md) => inserted = md));
        panel.WaitForAssertion(() => Assert.Contains("dock.png", panel.Find("[data-testid=article-file]").TextContent), TimeSpan.FromSeconds(10));
        panel.Find("[data-testid=insert-file]").Click();
        Assert.Equal($"![dock.png](/kb/files/{shot.Id})", inserted);
    }
}
