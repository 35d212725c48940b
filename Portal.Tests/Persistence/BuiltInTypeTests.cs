using Microsoft.EntityFrameworkCore;
using Portal.Core.Catalog;
using Portal.Core.Common;
using Portal.Core.Complaints;
using Portal.Core.Departments;
using Portal.Core.Tickets;
using Portal.Tests.Support;
using Portal.Core.Admin;
using Portal.Core.Handling;

namespace Portal.Tests.Persistence;

/// <summary>The built-in ticket types keep their behaviour under any name an admin gives them.</summary>
public sealed class BuiltInTypeTests : IAsyncLifetime
{
    private TestDatabase _db = default!;
    private TestOrg Org => _db.Org;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        var admin = _db.Get<DepartmentAdminService>();
        var actor = Org.ActorFor(Org.Admin);
        var types = await admin.ListTypesAsync(actor);
        foreach (var (from, to) in new[] { ("Complaint", "Grievance"), ("Request", "Ask"), ("Maintenance", "Upkeep") })
            await admin.SaveTypeAsync(actor, types.Single(t => t.Name == from).Id, to, true);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task EveryBuiltInKind_IsSeededOnce()
    {
        await using var ctx = _db.NewContext();
        var kinds = await ctx.TicketTypes.Where(t => t.Kind != TicketKind.Custom).Select(t => t.Kind).ToListAsync();
        Assert.Equal(BuiltInTypes.Seeded.Select(s => s.Kind).Order(), kinds.Order());
    }

    [Fact]
    public async Task ARenamedComplaintType_StillFilesComplaints_UnderTheirPolicy_AndRefusesClosingWithoutTheOutcome()
    {
        var hal = Org.ActorFor(Org.HrAgent);
        var created = await _db.Get<ComplaintService>().FileAsync(Org.ActorFor(Org.Requester), new ComplaintInput(Org.Hr.Id, "Payslip wrong",
            "Overtime missing.", "Marta Olsen", "marta@example.org", ComplaintChannel.Email, ComplaintSubject.Service, "Payroll",
            ComplaintSeverity.High, true, null));
        var tickets = _db.Get<TicketCommands>();
        var filing = _db.Get<TicketFiling>();
        var reads = _db.Get<TicketQueries>();
        var ticket = await reads.GetAsync(hal, created.Id);
        Assert.Equal(("Grievance", TicketKind.Complaint, ComplaintService.PolicyName), (ticket.TypeName, ticket.TypeKind, ticket.SlaPolicyName));
        var refused = await Assert.ThrowsAsync<DeskValidationException>(() => tickets.UpdateAsync(hal, created.Id, ticket.Version,
            TicketServiceTests.TicketEditModelFor(ticket) with { Status = TicketStatus.Resolved }));
        Assert.Contains("outcome", refused.Errors["Status"]);
        Assert.NotNull(await _db.Get<ComplaintService>().GetAsync(hal, created.Id));
    }

    [Fact]
    public async Task ARenamedComplaintsCategory_StillTakesTheComplaints_AndStaysOffTheRequestForm()
    {
        var complaints = _db.Get<ComplaintService>();
        ComplaintInput Input(string title) => new(Org.Hr.Id, title, "Details.", "Marta Olsen", null, ComplaintChannel.Phone, ComplaintSubject.Service,
            "Payroll", ComplaintSeverity.Low, false, null);
        var first = await complaints.FileAsync(Org.ActorFor(Org.Requester), Input("First"));
        var reads = _db.Get<TicketQueries>();
        var categoryId = (await reads.GetAsync(Org.ActorFor(Org.HrAgent), first.Id)).CategoryId;
        await _db.Get<DepartmentAdminService>().SaveCategoryAsync(Org.ActorFor(Org.Admin),
            new CategoryInput(categoryId, Org.Hr.Id, "Grievances", "Formal grievances.", true));

        var second = await complaints.FileAsync(Org.ActorFor(Org.Requester), Input("Second"));

        var filed = await reads.GetAsync(Org.ActorFor(Org.HrAgent), second.Id);
        Assert.Equal((categoryId, "Grievances"), (filed.CategoryId, filed.CategoryName));
        Assert.DoesNotContain(await _db.Get<DepartmentDirectory>().ListCategoriesAsync(Org.Hr.Id, forNewRequests: true), c => c.Id == categoryId);
    }

    [Fact]
    public async Task ARenamedRequestType_IsStillTheDefault_ForAPlainRequest_AndForACatalogRequest()
    {
        var requester = Org.ActorFor(Org.Requester);
        var reads = _db.Get<TicketQueries>();
        var filing = _db.Get<TicketFiling>();
        var plain = await filing.CreateAsync(requester, new NewTicketInput(Org.It.Id, Org.Laptop.Id, "Screen flickers", "Since Monday.",
            new Dictionary<int, string?> { [Org.AssetTag.Id] = "LT-1", [Org.Os.Id] = "Windows 11" }, []));
        Assert.Equal("Ask", (await reads.GetAsync(requester, plain.Id)).TypeName);
        Assert.Equal("Ask", (await _db.Get<DepartmentDirectory>().ListTypesAsync())[0].Name);

        var request = await TicketFactory.OnboardingAsync(_db, requester);
        Assert.Equal("Ask", (await reads.GetAsync(requester, request.Id)).TypeName);
        Assert.NotEmpty(await _db.Get<ServiceCatalog>().TasksAsync(Org.ActorFor(Org.Admin), request.Id));
    }
}
