using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Complaints;
using Portal.Core.Departments;
using Portal.Core.Security;
using Portal.Core.Sla;
using Portal.Core.Tickets;
using Portal.Core.Users;
using Portal.Tests.Support;
using Portal.Core.Handling;

namespace Portal.Tests.Persistence;

/// <summary>Formal complaints: their form, their SLA, the outcome required before closing, the register.</summary>
public class ComplaintTests : IAsyncLifetime
{
    private TestDatabase _db = default!;
    private TestOrg Org => _db.Org;
    private ComplaintService Complaints => _db.Get<ComplaintService>();
    private TicketCommands Tickets => _db.Get<TicketCommands>();
    private TicketQueries Reads => _db.Get<TicketQueries>();
    private Actor Hal => Org.ActorFor(Org.HrAgent);

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private static ComplaintInput Payslip(int departmentId, string complainant = "Marta Olsen", bool regulatory = true) =>
        new(departmentId, "Payslip wrong three months running", "My overtime is missing again.", complainant, "marta@example.org",
            ComplaintChannel.Email, ComplaintSubject.Service, "Payroll", ComplaintSeverity.High, regulatory, null);

    private async Task ResolveAsync(Actor agent, int ticketId)
    {
        var t = await Reads.GetAsync(agent, ticketId);
        await Tickets.UpdateAsync(agent, ticketId, t.Version, TicketServiceTests.TicketEditModelFor(t) with { Status = TicketStatus.Resolved });
    }

    private static ComplaintEdit Outcome(ComplaintDetails d, string? rootCause = "Overtime import skipped", ComplaintOutcome? outcome = ComplaintOutcome.Upheld,
        string? redress = "Back pay with interest", string? lessons = "Import now checked weekly") =>
        d.Form with { RootCause = rootCause, Outcome = outcome, Redress = redress, LessonsLearned = lessons };

    [Fact]
    public async Task AComplaintWithoutItsRequiredFields_IsRefused_NamingEachField()
    {
        var ex = await Assert.ThrowsAsync<DeskValidationException>(() => Complaints.FileAsync(Org.ActorFor(Org.Requester),
            Payslip(Org.Hr.Id) with { Complainant = " ", AboutDetail = "", Title = "", ReceivedAt = _db.Clock.GetUtcNow().UtcDateTime.AddDays(2) }));
        Assert.Contains("Complainant", ex.Errors.Keys);
        Assert.Contains("AboutDetail", ex.Errors.Keys);
        Assert.Contains("ReceivedAt", ex.Errors.Keys);
        var noDepartment = await Assert.ThrowsAsync<DeskValidationException>(() => Complaints.FileAsync(Org.ActorFor(Org.Requester), Payslip(999)));
        Assert.Contains("DepartmentId", noDepartment.Errors.Keys);
        var noTitle = await Assert.ThrowsAsync<DeskValidationException>(() => Complaints.FileAsync(Org.ActorFor(Org.Requester), Payslip(Org.Hr.Id) with { Title = "" }));
        Assert.Contains("Title", noTitle.Errors.Keys);
    }

    [Fact]
    public async Task AComplaint_IsATicketOfItsType_UnderTheComplaintPolicy_TwoBusinessDaysAndEightWeeks()
    {
        // Monday 23 November 2026, 09:00 UTC.
        var created = await Complaints.FileAsync(Org.ActorFor(Org.Requester), Payslip(Org.Hr.Id));
        var ticket = await Reads.GetAsync(Hal, created.Id);
        Assert.Equal(("Complaint", ComplaintService.CategoryName, TicketPriority.High), (ticket.TypeName, ticket.CategoryName, ticket.Priority));
        Assert.Equal(ComplaintService.PolicyName, ticket.SlaPolicyName);
        await using var ctx = _db.NewContext();
        var states = await ctx.TicketSlaStates.AsNoTracking().Where(s => s.TicketId == created.Id).ToDictionaryAsync(s => s.Metric);
        Assert.Equal(new DateTime(2026, 11, 24, 17, 0, 0, DateTimeKind.Utc), states[SlaMetric.FirstResponse].DueAt);
        Assert.Equal(new DateTime(2027, 1, 15, 17, 0, 0, DateTimeKind.Utc), states[SlaMetric.Resolution].DueAt);
        var form = (await Complaints.GetAsync(Hal, created.Id))!.Form;
        Assert.Equal(("Marta Olsen", ComplaintChannel.Email, true), (form.Complainant, form.Channel, form.Regulatory));
    }

    [Fact]
    public async Task Closing_IsRefused_UntilRootCauseOutcomeRedressAndLessonsAreRecorded()
    {
        var created = await Complaints.FileAsync(Org.ActorFor(Org.Requester), Payslip(Org.Hr.Id));
        var refused = await Assert.ThrowsAsync<DeskValidationException>(() => ResolveAsync(Hal, created.Id));
        Assert.Equal("Status", Assert.Single(refused.Errors.Keys));
        Assert.Contains("root cause, outcome, redress, lessons learned", refused.Errors["Status"]);

        var details = (await Complaints.GetAsync(Hal, created.Id))!;
        var version = await Complaints.SaveAsync(Hal, created.Id, details.Version, Outcome(details, redress: " "));
        var stillRefused = await Assert.ThrowsAsync<DeskValidationException>(() => ResolveAsync(Hal, created.Id));
        Assert.EndsWith("missing: redress.", stillRefused.Errors["Status"]);

        await Complaints.SaveAsync(Hal, created.Id, version, Outcome(details));
        await ResolveAsync(Hal, created.Id);
        Assert.Equal(TicketStatus.Resolved, (await Reads.GetAsync(Hal, created.Id)).Status);
        var recorded = (await AuditFile.EntriesAsync(_db)).Where(e => e.Action == "complaint.changed").ToList();
        Assert.Contains(recorded, e => e.After!.Contains("\"Outcome\":\"Upheld\"") && e.Before!.Contains("\"Outcome\":null"));
        Assert.Equal("{\"Redress\":\"Back pay with interest\"}", recorded[^1].After);
        Assert.All(recorded, e => Assert.Equal(Org.HrAgent.Id, e.ActorId));
    }

    [Fact]
    public async Task AStaleSave_IsAConflict_AndAuditorsReadButDoNotChange()
    {
        var created = await Complaints.FileAsync(Org.ActorFor(Org.Requester), Payslip(Org.Hr.Id));
        var details = (await Complaints.GetAsync(Hal, created.Id))!;
        await Complaints.SaveAsync(Hal, created.Id, details.Version, Outcome(details));
        await Assert.ThrowsAsync<DeskConflictException>(() => Complaints.SaveAsync(Hal, created.Id, details.Version, Outcome(details, rootCause: "Other")));

        var auditor = await _db.AuditorAsync();
        var read = (await Complaints.GetAsync(auditor, created.Id))!;
        Assert.False(read.CanEdit);
        Assert.Equal("Overtime import skipped", read.Form.RootCause);
        await Assert.ThrowsAsync<DeskForbiddenException>(() => Complaints.SaveAsync(auditor, created.Id, read.Version, read.Form));
        await Assert.ThrowsAsync<DeskNotFoundException>(() => Complaints.GetAsync(Org.ActorFor(Org.ItAgent), created.Id));
        await Assert.ThrowsAsync<DeskNotFoundException>(() => Complaints.GetAsync(Org.ActorFor(Org.Requester), created.Id));
    }

    [Fact]
    public async Task ATicketTurnedIntoAComplaint_NeedsItsFormBeforeClosing()
    {
        var created = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.Requester), TicketFactory.Payroll(Org));
        await using (var ctx = _db.NewContext())
        {
            var typeId = await ctx.TicketTypes.Where(t => t.Kind == TicketKind.Complaint).Select(t => t.Id).SingleAsync();
            var t = await Reads.GetAsync(Hal, created.Id);
            await Tickets.UpdateAsync(Hal, created.Id, t.Version, TicketServiceTests.TicketEditModelFor(t) with { TypeId = typeId });
        }

        var refused = await Assert.ThrowsAsync<DeskValidationException>(() => ResolveAsync(Hal, created.Id));
        Assert.Contains("complaint form", refused.Errors["Status"]);
        var blank = (await Complaints.GetAsync(Hal, created.Id))!;
        Assert.Equal(0, blank.Version);
        await Complaints.SaveAsync(Hal, created.Id, 0, Outcome(blank) with { Complainant = "Rita Requester", AboutDetail = "Payroll" });
        await ResolveAsync(Hal, created.Id);
        Assert.Null(await Complaints.GetAsync(Org.ActorFor(Org.ItAgent), (await TicketFactory.FileAsync(_db, Org.ActorFor(Org.Requester))).Id));
    }

    [Fact]
    public async Task TheRegister_ListsDatesOutcomeAndSlaResult_FiltersThem_ByWhoMaySee_AndExportsThem()
    {
        var payslip = await Complaints.FileAsync(Org.ActorFor(Org.Requester), Payslip(Org.Hr.Id));
        var laptop = await Complaints.FileAsync(Org.ActorFor(Org.OtherRequester), Payslip(Org.It.Id, "Jonas Berg", regulatory: false) with
        {
            Title = "Laptop never delivered", About = ComplaintSubject.Product, AboutDetail = "Laptop refresh", Severity = ComplaintSeverity.Low,
        });
        _db.Clock.Advance(TimeSpan.FromHours(1));
        await Tickets.ReplyAsync(Hal, payslip.Id, "We have received your complaint and are looking into it.", isPublic: true, []);
        var details = (await Complaints.GetAsync(Hal, payslip.Id))!;
        await Complaints.SaveAsync(Hal, payslip.Id, details.Version, Outcome(details, outcome: ComplaintOutcome.PartlyUpheld));
        await ResolveAsync(Hal, payslip.Id);

        var auditor = await _db.AuditorAsync();
        var all = await Complaints.RegisterAsync(auditor, new ComplaintQuery());
        Assert.Equal(2, all.Total);
        var row = all.Items.Single(r => r.TicketId == payslip.Id);
        Assert.Equal((SlaState.Met, SlaState.Met, ComplaintOutcome.PartlyUpheld), (row.AcknowledgeSla, row.FinalResponseSla, row.Outcome));
        Assert.Equal(new DateTime(2026, 11, 23, 10, 0, 0, DateTimeKind.Utc), row.AcknowledgedAt);
        var open = all.Items.Single(r => r.TicketId == laptop.Id);
        Assert.Equal((SlaState.Running, (DateTime?)null), (open.AcknowledgeSla, open.AcknowledgedAt));

        Assert.Equal([payslip.Id], (await Complaints.RegisterAsync(auditor, new ComplaintQuery(RegulatoryOnly: true))).Items.Select(r => r.TicketId));
        Assert.Equal([payslip.Id], (await Complaints.RegisterAsync(auditor, new ComplaintQuery(Outcome: ComplaintOutcome.PartlyUpheld))).Items.Select(r => r.TicketId));
        Assert.Equal([laptop.Id], (await Complaints.RegisterAsync(auditor, new ComplaintQuery(Open: true))).Items.Select(r => r.TicketId));
        Assert.Equal([laptop.Id], (await Complaints.RegisterAsync(auditor, new ComplaintQuery(Text: "jonas"))).Items.Select(r => r.TicketId));
        Assert.Equal(0, (await Complaints.RegisterAsync(auditor, new ComplaintQuery(ReceivedFrom: new DateOnly(2026, 11, 24)))).Total);
        // Agents see their departments' complaints; requesters no register at all.
        Assert.Equal([payslip.Id], (await Complaints.RegisterAsync(Hal, new ComplaintQuery())).Items.Select(r => r.TicketId));
        await Assert.ThrowsAsync<DeskForbiddenException>(() => Complaints.RegisterAsync(Org.ActorFor(Org.Requester), new ComplaintQuery()));

        using var writer = new StringWriter();
        Assert.Equal(2, await Complaints.WriteRegisterCsvAsync(auditor, new ComplaintQuery(), writer));
        var lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("Ticket,Title,Department,Status,Complainant", lines[0]);
        Assert.Contains(lines, l => l.Contains(payslip.Key) && l.Contains("Partly upheld") && l.Contains("Met") && l.Contains("yes"));
    }
}
