using Portal.Core.Common;
using Portal.Core.Knowledge;
using Portal.Tests.Support;

namespace Portal.Tests.Persistence;

/// <summary>The knowledge base on a real database: search that finds what people type, who may read what, versions.</summary>
public class KnowledgeTests : IAsyncLifetime
{
    private TestDatabase _db = default!;
    private TestOrg Org => _db.Org;
    private KnowledgeService Kb => _db.Get<KnowledgeService>();

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private Task<int> WriteAsync(string title, string body, string summary = "", string tags = "", ArticleVisibility visibility = ArticleVisibility.Everyone,
        ArticleState state = ArticleState.Published, int? department = null) =>
        Kb.SaveAsync(Org.ActorFor(department == Org.Hr.Id ? Org.HrAgent : Org.ItAgent),
            new ArticleInput(null, department ?? Org.It.Id, title, summary, body, tags, state, visibility));

    [Fact]
    public async Task Search_FindsWordsInAnyOrder_Prefixes_Stems_AndPhrases_RankingTheTitleFirst_WithSafeSnippets()
    {
        var fan = await WriteAsync("Laptop fan very loud", "If the fan runs all the time, check the power plan and clean the vents.", tags: "hardware,noise");
        var vpn = await WriteAsync("Connect to the VPN", "Open GlobalProtect, type vpn.acme.example and sign in. Connecting from hotels works too.");
        var body = await WriteAsync("Printer queue stuck", "Restart the spooler. A loud printer fan is normal while it warms up. <script>alert(1)</script>");
        var requester = Org.ActorFor(Org.Requester);

        var hits = await Kb.SearchAsync(requester, "fan loud");
        Assert.Equal([fan, body], hits.Select(h => h.Id));
        Assert.Contains("<mark>", hits[1].Snippet);
        Assert.DoesNotContain("<script>", hits[1].Snippet);

        Assert.Equal(fan, Assert.Single(await Kb.SearchAsync(requester, "lapt"), h => h.Id == fan).Id);
        // As people write it: filler words say nothing, and only the last word is taken as half typed.
        Assert.Equal([fan], (await Kb.SearchAsync(requester, "my laptop fan is so loud")).Select(h => h.Id));
        Assert.Contains(await Kb.SearchAsync(requester, "connected vpn"), h => h.Id == vpn);
        Assert.Contains(await Kb.SearchAsync(requester, "noise"), h => h.Id == fan);
        Assert.Equal([body], (await Kb.SearchAsync(requester, "\"printer fan\"")).Select(h => h.Id));
        Assert.Empty(await Kb.SearchAsync(requester, "\"fan printer\""));
        // One word nobody wrote does not empty the list: any of the words is tried.
        Assert.Contains(await Kb.SearchAsync(requester, "vpn zzyzx"), h => h.Id == vpn);
        Assert.Empty(await Kb.SearchAsync(requester, "'; DROP TABLE \"Articles\"; --"));
        Assert.Equal(3, (await Kb.PublishedAsync(requester)).Count);
    }

    [Fact]
    public async Task StaffOnlyArticles_AndDrafts_NeverReachThoseWhoMayNotReadThem()
    {
        var internalNote = await WriteAsync("Resetting the VPN gateway", "Log in to gw1 and restart the service.", visibility: ArticleVisibility.Staff);
        var draft = await WriteAsync("VPN on Linux", "Install the client.", state: ArticleState.Draft);
        var requester = Org.ActorFor(Org.Requester);

        Assert.Empty(await Kb.SearchAsync(requester, "vpn"));
        Assert.Empty(await Kb.PublishedAsync(requester));
        await Assert.ThrowsAsync<DeskNotFoundException>(() => Kb.GetAsync(requester, internalNote));
        await Assert.ThrowsAsync<DeskNotFoundException>(() => Kb.GetAsync(requester, draft));
        await Assert.ThrowsAsync<DeskNotFoundException>(() => Kb.SignalAsync(requester, internalNote, ArticleSignalKind.View));

        // Staff read staff-only articles; a draft only its department's staff.
        var hr = Org.ActorFor(Org.HrAgent);
        Assert.Equal([internalNote], (await Kb.SearchAsync(hr, "vpn")).Select(h => h.Id));
        await Assert.ThrowsAsync<DeskNotFoundException>(() => Kb.GetAsync(hr, draft));
        Assert.DoesNotContain(await Kb.ManagedAsync(hr), r => r.Id == draft);
        Assert.Equal("VPN on Linux", (await Kb.GetAsync(Org.ActorFor(Org.ItAgent2), draft)).Title);
        await Assert.ThrowsAsync<DeskForbiddenException>(() => Kb.SaveAsync(hr, new ArticleInput(draft, Org.It.Id, "Mine now", "", "x", "",
            ArticleState.Published, ArticleVisibility.Everyone, Version: 1)));
        await Assert.ThrowsAsync<DeskForbiddenException>(() => Kb.ManagedAsync(requester));
    }

    [Fact]
    public async Task TwoEditors_TheSecondSaveIsAConflict_AndEveryRevisionIsKept_AndCanBeRestored()
    {
        var id = await WriteAsync("Password reset", "Go to the portal.");
        var opened = await Kb.GetAsync(Org.ActorFor(Org.ItAgent), id);
        await Kb.SaveAsync(Org.ActorFor(Org.ItAgent), new ArticleInput(id, Org.It.Id, "Password reset", "", "Go to https://id.acme.example.", "",
            ArticleState.Published, ArticleVisibility.Everyone, Version: opened.Version));
        await Assert.ThrowsAsync<DeskConflictException>(() => Kb.SaveAsync(Org.ActorFor(Org.ItAgent2), new ArticleInput(id, Org.It.Id,
            "Password reset", "", "Call the desk.", "", ArticleState.Published, ArticleVisibility.Everyone, Version: opened.Version)));

        var revisions = await Kb.RevisionsAsync(Org.ActorFor(Org.ItAgent2), id);
        Assert.Equal([2, 1], revisions.Select(r => r.Number));
        var now = await Kb.GetAsync(Org.ActorFor(Org.ItAgent2), id);
        await Kb.RestoreAsync(Org.ActorFor(Org.ItAgent2), id, 1, now.Version);
        var restored = await Kb.GetAsync(Org.ActorFor(Org.Requester), id);
        Assert.Contains("Go to the portal.", restored.Html);
        Assert.Equal("Restored revision 1", (await Kb.RevisionsAsync(Org.ActorFor(Org.ItAgent), id))[0].Note);
        // The search follows the restored text.
        Assert.Empty(await Kb.SearchAsync(Org.ActorFor(Org.Requester), "id.acme.example"));
        Assert.Single(await Kb.SearchAsync(Org.ActorFor(Org.Requester), "portal"));
    }

    [Fact]
    public async Task BadInput_NamesItsField()
    {
        var ex = await Assert.ThrowsAsync<DeskValidationException>(() => Kb.SaveAsync(Org.ActorFor(Org.ItAgent),
            new ArticleInput(null, Org.It.Id, " ", new string('s', 501), "", "", ArticleState.Published, ArticleVisibility.Everyone)));
        Assert.Contains("Title", ex.Errors.Keys);
        Assert.Contains("Summary", ex.Errors.Keys);
        Assert.Contains("Body", ex.Errors.Keys);

        // A category belongs to the article's department.
        var category = await Assert.ThrowsAsync<DeskValidationException>(() => Kb.SaveAsync(Org.ActorFor(Org.ItAgent),
            new ArticleInput(null, Org.It.Id, "Pay slips", "", "x", "", ArticleState.Published, ArticleVisibility.Everyone, CategoryId: Org.Payroll.Id)));
        Assert.Contains("CategoryId", category.Errors.Keys);
    }

    [Fact]
    public async Task AShortWordBeingTyped_FindsTitlesFirst_ThenSummariesAndTags_NeverTheBodyAlone()
    {
        var inBody = await WriteAsync("Meeting rooms", "Every room has a dock for laptops.");
        var inSummary = await WriteAsync("Working from a hot desk", "Plug in and go.", summary: "Each desk has a docking station.");
        var inTitle = await WriteAsync("Docking station lights", "Blue means charging.");
        var requester = Org.ActorFor(Org.Requester);

        Assert.Equal([inTitle, inSummary], (await Kb.SearchAsync(requester, "doc")).Select(h => h.Id));
        // From the fourth letter the whole text counts again.
        Assert.Contains(await Kb.SearchAsync(requester, "dock"), h => h.Id == inBody);
    }

    [Fact]
    public async Task OnATicket_AgentsUseArticles_CountedAndListed_AndAGoodReplyBecomesADraftArticle()
    {
        var vpn = await WriteAsync("Connect to the VPN", "Open GlobalProtect.");
        var ticket = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.Requester), TicketFactory.Laptop(Org, "VPN drops every hour"));
        var ivan = Org.ActorFor(Org.ItAgent);
        await Assert.ThrowsAsync<DeskValidationException>(() => Kb.DraftFromReplyAsync(ivan, ticket.Id));

        await Kb.UseAsync(ivan, vpn, ticket.Id);
        Assert.Equal([(vpn, "Connect to the VPN")], await Kb.UsedOnAsync(ivan, ticket.Id));
        await Assert.ThrowsAsync<DeskForbiddenException>(() => Kb.UseAsync(Org.ActorFor(Org.HrAgent), vpn, ticket.Id));
        await Assert.ThrowsAsync<DeskForbiddenException>(() => Kb.UsedOnAsync(Org.ActorFor(Org.Requester), ticket.Id));

        await _db.Get<Portal.Core.Handling.TicketCommands>().ReplyAsync(ivan, ticket.Id, "Turn off Wi-Fi power saving: Settings > Network > Adapter.", isPublic: true, []);
        var draft = await Kb.DraftFromReplyAsync(ivan, ticket.Id);
        var article = await Kb.GetAsync(ivan, draft);
        Assert.Equal(("VPN drops every hour", ArticleState.Draft, Org.It.Id), (article.Title, article.State, article.DepartmentId));
        Assert.Contains("Wi-Fi power saving", article.Body);
        await Assert.ThrowsAsync<DeskNotFoundException>(() => Kb.GetAsync(Org.ActorFor(Org.Requester), draft));
    }
}
