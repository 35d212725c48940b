using Bunit;
using Portal.Core.Complaints;
using Portal.Core.Tickets;
using Portal.Features.Complaints;
using Portal.Features.Tickets;
using Portal.Tests.Support;
using Portal.Core.Handling;

namespace Portal.Tests.Components;

/// <summary>The complaint panel on a complaint's ticket page: what is missing before closing, the outcome saved, a refusal explained.</summary>
public class ComplaintPanelTests : IAsyncLifetime
{
    private TestDatabase _db = default!;
    private BunitContext _ctx = default!;
    private int _ticketId;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        _ticketId = (await _db.Get<ComplaintService>().FileAsync(_db.Org.ActorFor(_db.Org.Requester), new ComplaintInput(_db.Org.Hr.Id,
            "Payslip wrong again", "Overtime missing", "Marta Olsen", null, ComplaintChannel.Phone, ComplaintSubject.Service, "Payroll",
            ComplaintSeverity.High, true, null))).Id;
        _ctx = DeskBunit.Create(_db, _db.Org.HrAgent);
    }

    public async Task DisposeAsync()
    {
        await _ctx.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task TheTicketPage_ShowsWhatIsMissing_RefusesToResolve_ThenAcceptsOnceTheOutcomeIsSaved()
    {
        var cut = _ctx.Render<TicketPage>(p => p.Add(x => x.Id, _ticketId));
        cut.WaitForAssertion(() => Assert.Contains("root cause, outcome, redress, lessons learned", cut.Find("[data-testid=complaint-missing]").TextContent));
        Assert.Equal("Marta Olsen", cut.TextField("Complainant").Find("input").GetAttribute("value"));

        cut.Type("Root cause", "Import skipped overtime");
        cut.Type("Redress", "Back pay");
        cut.Type("Lessons learned", "Weekly import check");
        cut.Find("[data-testid=save-complaint]").Click();
        cut.WaitForAssertion(() => Assert.Contains("Before closing: outcome", cut.Find("[data-testid=complaint-missing]").TextContent));
        Assert.Contains("Saved.", cut.Find("[data-testid=complaint-saved]").TextContent);

        // Resolving now is refused in the Core, whatever the page shows.
        var tickets = _db.Get<TicketCommands>();
        var reads = _db.Get<TicketQueries>();
        var hal = _db.Org.ActorFor(_db.Org.HrAgent);
        var t = await reads.GetAsync(hal, _ticketId);
        var refused = await Assert.ThrowsAsync<Portal.Core.Common.DeskValidationException>(() =>
            tickets.UpdateAsync(hal, _ticketId, t.Version, Persistence.TicketServiceTests.TicketEditModelFor(t) with { Status = TicketStatus.Resolved }));
        Assert.Contains("missing: outcome", refused.Errors["Status"]);

        var outcome = cut.FindComponents<MudBlazor.MudSelect<ComplaintOutcome?>>().Single();
        await cut.InvokeAsync(() => outcome.Instance.ValueChanged.InvokeAsync(ComplaintOutcome.PartlyUpheld));
        cut.Find("[data-testid=save-complaint]").Click();
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=complaint-missing]")));
        await tickets.UpdateAsync(hal, _ticketId, t.Version, Persistence.TicketServiceTests.TicketEditModelFor(t) with { Status = TicketStatus.Resolved });
    }

    [Fact]
    public void AnEmptyComplainant_IsRefused_NamingTheField_AndWhatWasTypedStays()
    {
        var cut = _ctx.Render<ComplaintPanel>(p => p.Add(x => x.TicketId, _ticketId).Add(x => x.Actor, _db.Org.ActorFor(_db.Org.HrAgent)));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=save-complaint]")));
        cut.Type("Complainant", " ");
        cut.Type("Root cause", "Typed before the refusal");
        cut.Find("[data-testid=save-complaint]").Click();
        cut.WaitForAssertion(() => Assert.Contains("Complainant is required.", cut.Markup));
        Assert.Equal("Typed before the refusal", cut.TextField("Root cause").Find("textarea").GetAttribute("value") ?? cut.TextField("Root cause").Find("textarea").TextContent);
    }
}
