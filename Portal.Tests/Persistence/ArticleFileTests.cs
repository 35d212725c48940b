using Portal.Core.Common;
using Portal.Core.Knowledge;
using Portal.Core.Tickets;
using Portal.Tests.Support;

namespace Portal.Tests.Persistence;

/// <summary>Files and images of articles: added by those who may edit, read by those who may read the article, the types of attachments.</summary>
public class ArticleFileTests : IAsyncLifetime
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0];
    private TestDatabase _db = default!;
    private TestOrg Org => _db.Org;
    private ArticleFileService Files => _db.Get<ArticleFileService>();

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private Task<int> WriteAsync(ArticleState state, ArticleVisibility visibility) =>
        _db.Get<KnowledgeService>().SaveAsync(Org.ActorFor(Org.ItAgent), new ArticleInput(null, Org.It.Id, "Dock setup", "", "Plug it in.", "", state, visibility));

    [Fact]
    public async Task AnImage_IsShownInPlace_AFormIsADownload_AndTheTypeComesFromTheName()
    {
        var article = await WriteAsync(ArticleState.Published, ArticleVisibility.Everyone);
        var agent = Org.ActorFor(Org.ItAgent);
        // The browser's claim of a type is not taken: the name decides.
        var added = await Files.AddAsync(agent, article, [new NewAttachment("dock.png", "text/html", Png), new NewAttachment("form.pdf", "image/png", [1, 2, 3])]);
        Assert.Equal([("image/png", true), ("application/pdf", false)], added.Select(f => (f.ContentType, f.IsImage)));
        Assert.Equal($"![dock.png](/kb/files/{added[0].Id})", added[0].Markdown);
        Assert.Equal($"[form.pdf](/kb/files/{added[1].Id})", added[1].Markdown);

        var requester = Org.ActorFor(Org.Requester);
        var image = await Files.GetAsync(requester, added[0].Id);
        Assert.True(image.Inline);
        Assert.Equal(Png, image.Data);
        Assert.False((await Files.GetAsync(requester, added[1].Id)).Inline);
        Assert.Equal(2, (await Files.ListAsync(requester, article)).Count);

        // Shown in the text where the writer put it, lazily.
        Assert.Contains($"<img src=\"/kb/files/{added[0].Id}\" alt=\"dock.png\" loading=\"lazy\">", ArticleMarkdown.ToHtml(added[0].Markdown));

        var svg = await Assert.ThrowsAsync<DeskValidationException>(() => Files.AddAsync(agent, article, [new NewAttachment("logo.svg", "image/svg+xml", [1])]));
        Assert.Contains("logo.svg", svg.Errors[AttachmentRules.Field]);
        await Files.RemoveAsync(agent, added[1].Id);
        Assert.Single(await Files.ListAsync(agent, article));
    }

    [Fact]
    public async Task AStaffOnlyOrDraftArticlesFiles_ReachNoOneElse_AndOnlyItsDepartmentChangesThem()
    {
        var staffOnly = await WriteAsync(ArticleState.Published, ArticleVisibility.Staff);
        var draft = await WriteAsync(ArticleState.Draft, ArticleVisibility.Everyone);
        var agent = Org.ActorFor(Org.ItAgent);
        var internalShot = (await Files.AddAsync(agent, staffOnly, [new NewAttachment("console.png", "", Png)]))[0];
        var draftShot = (await Files.AddAsync(agent, draft, [new NewAttachment("new-dock.png", "", Png)]))[0];

        var requester = Org.ActorFor(Org.Requester);
        await Assert.ThrowsAsync<DeskNotFoundException>(() => Files.GetAsync(requester, internalShot.Id));
        await Assert.ThrowsAsync<DeskNotFoundException>(() => Files.ListAsync(requester, staffOnly));
        await Assert.ThrowsAsync<DeskNotFoundException>(() => Files.GetAsync(requester, draftShot.Id));
        var hr = Org.ActorFor(Org.HrAgent);
        Assert.NotEmpty((await Files.GetAsync(hr, internalShot.Id)).Data); // staff read staff-only articles
        await Assert.ThrowsAsync<DeskNotFoundException>(() => Files.GetAsync(hr, draftShot.Id)); // another department's draft
        await Assert.ThrowsAsync<DeskForbiddenException>(() => Files.AddAsync(hr, staffOnly, [new NewAttachment("mine.png", "", Png)]));
        await Assert.ThrowsAsync<DeskForbiddenException>(() => Files.RemoveAsync(hr, internalShot.Id));
        await Assert.ThrowsAsync<DeskNotFoundException>(() => Files.AddAsync(requester, draft, [new NewAttachment("x.png", "", Png)]));

        // An article keeps at most 20 files.
        for (var i = 0; i < 3; i++)
            await Files.AddAsync(agent, staffOnly, Enumerable.Range(0, TicketLimits.AttachmentsPerUpload).Select(n => new NewAttachment($"s{i}-{n}.png", "", Png)).ToList());
        var full = await Assert.ThrowsAsync<DeskValidationException>(() =>
            Files.AddAsync(agent, staffOnly, Enumerable.Range(0, KnowledgeLimits.FilesPerArticle).Select(n => new NewAttachment($"t{n}.png", "", Png)).Take(TicketLimits.AttachmentsPerUpload).ToList()));
        Assert.Contains("at most 20 files", full.Errors[AttachmentRules.Field]);
    }
}
