using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Audit;
using Portal.Tests.Support;

namespace Portal.Tests.Components;

public class AuditPageTests : IAsyncLifetime
{
    private TestDatabase _db = default!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        await TicketFactory.FileAsync(_db, _db.Org.ActorFor(_db.Org.Requester));
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task Admin_VerifiesTheTrail_FromThePage_AndSeesWhenItBreaks()
    {
        await using var ctx = DeskBunit.Create(_db, _db.Org.Admin);
        var cut = ctx.Render<AuditPage>();
        cut.WaitForAssertion(() => Assert.Contains("ticket.created", cut.Find("[data-testid=audit-entries]").TextContent));
        Assert.Contains("Rita Requester", cut.Find("[data-testid=audit-entries]").TextContent);
        cut.Find("[data-testid=verify-audit]").Click();
        cut.WaitForAssertion(() => Assert.Contains("The chain holds", cut.Find("[data-testid=audit-result]").TextContent));

        await AuditFile.TamperAsync(_db, "UPDATE AuditEntries SET Action = 'ticket.reply' WHERE Id = 1");
        cut.Find("[data-testid=verify-audit]").Click();
        cut.WaitForAssertion(() => Assert.Contains("Entry 1 does not verify", cut.Find("[data-testid=audit-result]").TextContent));
    }

    [Fact]
    public async Task TheFilters_NarrowTheList_AndTheExportLinksCarryThem()
    {
        var second = await TicketFactory.FileAsync(_db, _db.Org.ActorFor(_db.Org.OtherRequester), TicketFactory.Payroll(_db.Org, "Second one"));
        await using var ctx = DeskBunit.Create(_db, _db.Org.Admin);
        var cut = ctx.Render<AuditPage>();
        cut.WaitForAssertion(() => Assert.Contains("ticket.created", cut.Find("[data-testid=audit-entries]").TextContent));
        cut.Type("Ticket", second.Key);
        cut.Find("[data-testid=audit-filters]").Submit();
        cut.WaitForAssertion(() => Assert.All(cut.FindAll("[data-testid=audit-entries] tbody tr"), row => Assert.Contains(second.Key, row.TextContent)));
        Assert.Contains($"ticket={second.Key}", cut.Find("[data-testid=export-csv]").GetAttribute("href"));
        Assert.Contains($"ticket={second.Key}", cut.Find("[data-testid=export-json]").GetAttribute("href"));

        cut.Type("Ticket", "NOPE-1");
        cut.Find("[data-testid=audit-filters]").Submit();
        cut.WaitForAssertion(() => Assert.Contains("No entries match.", cut.Find("[data-testid=audit-entries]").TextContent));
    }

    [Fact]
    public async Task OthersAreRefused_EvenCallingTheServiceDirectly()
    {
        await using var ctx = DeskBunit.Create(_db, _db.Org.ItSupervisor);
        ctx.Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>().NavigateTo("/admin/audit");
        var cut = ctx.Render<AuditPage>();
        cut.WaitForAssertion(() => Assert.Contains("Only admins and auditors read the audit trail", cut.Markup));
        // The refusal itself is on the trail: who, what page, why.
        var denied = (await AuditFile.EntriesAsync(_db)).Last(e => e.Action == "access.denied");
        Assert.Equal((_db.Org.ItSupervisor.Id, "/admin/audit"), (denied.ActorId, denied.EntityId));
        Assert.Contains("Only admins and auditors", denied.After);
        await Assert.ThrowsAsync<Portal.Core.Common.DeskForbiddenException>(() =>
            _db.Get<Portal.Core.Audit.AuditService>().VerifyAsync(_db.Org.ActorFor(_db.Org.ItSupervisor)));
    }
}
