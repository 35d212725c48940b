using Portal.Core.Common;
using Portal.Core.Knowledge;
using Portal.Core.Reporting;
using Portal.Tests.Support;

namespace Portal.Tests.Persistence;

/// <summary>The knowledge-base report: answered requests, views, helpfulness, uses, reviews due; for readers of reports, by department.</summary>
public class KnowledgeReportTests : IAsyncLifetime
{
    private TestDatabase _db = default!;
    private TestOrg Org => _db.Org;
    private KnowledgeService Kb => _db.Get<KnowledgeService>();

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task TheReport_CountsWhatReadersDid_InThePeriod_ListsReviewsDue_AndKeepsToTheReadersDepartments()
    {
        var today = DateOnly.FromDateTime(_db.Clock.GetUtcNow().UtcDateTime);
        var it = Org.ActorFor(Org.ItAgent);
        var vpn = await Kb.SaveAsync(it, new ArticleInput(null, Org.It.Id, "Connect to the VPN", "", "Open the client.", "", ArticleState.Published,
            ArticleVisibility.Everyone, ReviewBy: today.AddDays(-1)));
        var printer = await Kb.SaveAsync(it, new ArticleInput(null, Org.It.Id, "Printer queue stuck", "", "Restart the spooler.", "", ArticleState.Published,
            ArticleVisibility.Everyone, ReviewBy: today.AddDays(10)));
        await Kb.SaveAsync(it, new ArticleInput(null, Org.It.Id, "Old guide", "", "x", "", ArticleState.Published, ArticleVisibility.Everyone,
            ReviewBy: today.AddDays(60)));
        var payslip = await Kb.SaveAsync(Org.ActorFor(Org.HrAgent), new ArticleInput(null, Org.Hr.Id, "Where is my payslip", "", "In the HR portal.", "",
            ArticleState.Published, ArticleVisibility.Everyone, ReviewBy: today.AddDays(-3)));

        var requester = Org.ActorFor(Org.Requester);
        // Last month, before the period: not counted.
        await Kb.SignalAsync(requester, vpn, ArticleSignalKind.View);
        _db.Clock.Advance(TimeSpan.FromDays(40));
        var from = _db.Clock.GetUtcNow().UtcDateTime;
        for (var i = 0; i < 3; i++)
            await Kb.SignalAsync(requester, vpn, ArticleSignalKind.View);
        await Kb.SignalAsync(requester, vpn, ArticleSignalKind.Deflected);
        await Kb.SignalAsync(requester, vpn, ArticleSignalKind.Helpful);
        await Kb.SignalAsync(requester, vpn, ArticleSignalKind.NotHelpful, "It does not say which client to install");
        await Kb.SignalAsync(requester, printer, ArticleSignalKind.View);
        await Kb.SignalAsync(requester, payslip, ArticleSignalKind.View);
        await Kb.SignalAsync(requester, payslip, ArticleSignalKind.Deflected);
        var ticket = await TicketFactory.FileAsync(_db, requester);
        await Kb.UseAsync(it, printer, ticket.Id);
        // A reader may not claim a use in a reply: only an agent's reply on a ticket counts as one.
        await Assert.ThrowsAsync<DeskValidationException>(() => Kb.SignalAsync(requester, printer, ArticleSignalKind.Used));

        var to = _db.Clock.GetUtcNow().UtcDateTime.AddDays(1);
        var report = await _db.Get<KnowledgeReport>().LoadAsync(Org.ActorFor(Org.ItSupervisor), [Org.It.Id], from, to);
        Assert.Equal((3, 1, 4, 1, 1, 1), (report.Published, report.Deflected, report.Views, report.Helpful, report.NotHelpful, report.Used));
        Assert.Equal(0.5, report.HelpfulShare);
        Assert.Equal([vpn, printer], report.Articles.Select(a => a.Id));
        Assert.Equal((3, 1, 0.5), (report.Articles[0].Views, report.Articles[0].Deflected, report.Articles[0].HelpfulShare));
        // Forty days on, both IT reviews have passed; the one 60 days out is now 20 days away, beyond the list's 14.
        Assert.Equal(2, report.DueForReview);
        Assert.Equal([vpn, printer], report.Due.Select(d => d.Id));
        Assert.All(report.Due, d => Assert.True(d.Overdue));
        var comment = Assert.Single(report.Comments);
        Assert.Equal(("Connect to the VPN", "It does not say which client to install"), (comment.Title, comment.Comment));

        // An HR agent reads HR's figures only; a requester reads none.
        var hr = await _db.Get<KnowledgeReport>().LoadAsync(Org.ActorFor(Org.HrAgent), null, from, to);
        Assert.Equal((1, 1, 1), (hr.Published, hr.Deflected, hr.Views));
        Assert.Equal([payslip], hr.Due.Select(d => d.Id));
        await Assert.ThrowsAsync<DeskForbiddenException>(() => _db.Get<KnowledgeReport>().LoadAsync(Org.ActorFor(Org.HrAgent), [Org.It.Id], from, to));
        await Assert.ThrowsAsync<DeskForbiddenException>(() => _db.Get<KnowledgeReport>().LoadAsync(requester, null, from, to));
    }
}
