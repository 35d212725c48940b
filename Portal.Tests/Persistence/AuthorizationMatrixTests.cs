using Portal.Core.Common;
using Portal.Core.Departments;
using Portal.Core.Security;
using Portal.Core.Tickets;
using Portal.Core.Users;
using Portal.Tests.Support;
using Portal.Core.Admin;
using Portal.Core.Handling;

namespace Portal.Tests.Persistence;

/// <summary>One shared database with an IT ticket filed by Rita, acted on by every role.</summary>
public sealed class MatrixFixture : IAsyncLifetime
{
    public TestDatabase Db { get; private set; } = default!;
    public int TicketId { get; private set; }
    public int AttachmentId { get; private set; }
    public int AssetId { get; private set; }
    public int ComplaintId { get; private set; }
    public Actor Auditor { get; private set; } = default!;
    private int _counter;

    public int Next() => Interlocked.Increment(ref _counter);

    public async Task InitializeAsync()
    {
        Db = await TestDatabase.CreateAsync();
        var created = await Db.Get<TicketFiling>().CreateAsync(Db.Org.ActorFor(Db.Org.Requester),
            TicketFactory.Laptop(Db.Org, files: [new NewAttachment("photo.png", "image/png", [1, 2, 3])]));
        TicketId = created.Id;
        AttachmentId = (await Db.Get<TicketQueries>().GetAsync(Db.Org.ActorFor(Db.Org.Requester), TicketId)).Attachments.Single().Id;
        var admin = Db.Org.ActorFor(Db.Org.Admin);
        var auditorId = await Db.Get<UserAdminService>().SaveAsync(admin,
            new UserInput(null, "aud.auditor@test.example", "Aud Auditor", "longenough1", DeskRole.Auditor, [], [], null, "", true));
        Auditor = (await Db.Get<ActorService>().LoadAsync(auditorId))!;
        var laptop = (await Db.Get<Portal.Core.Assets.AssetService>().ListTypesAsync()).First(t => t.Name == "Laptop").Id;
        AssetId = await Db.Get<Portal.Core.Assets.AssetService>().CreateAsync(Db.Org.ActorFor(Db.Org.ItAgent),
            new Portal.Core.Assets.AssetInput("LT-MATRIX", "Matrix laptop", laptop, Db.Org.It.Id));
        ComplaintId = (await Db.Get<Portal.Core.Complaints.ComplaintService>().FileAsync(Db.Org.ActorFor(Db.Org.Requester),
            new Portal.Core.Complaints.ComplaintInput(Db.Org.It.Id, "Laptop swap took a month", "Three reminders.", "Rita Requester", null,
                Portal.Core.Complaints.ComplaintChannel.Portal, Portal.Core.Complaints.ComplaintSubject.Service, "Laptop swap",
                Portal.Core.Complaints.ComplaintSeverity.Medium, false, null))).Id;
    }

    public async Task DisposeAsync() => await Db.DisposeAsync();

    private int? _onboarding;

    /// <summary>An onboarding request by Rita (HR's request, with tasks for HR, IT and Facilities), filed once.</summary>
    public async Task<int> OnboardingAsync() =>
        _onboarding ??= (await TicketFactory.OnboardingAsync(Db, Db.Org.ActorFor(Db.Org.Requester))).Id;
}

public enum Outcome
{
    Allowed,
    Denied,
}

/// <summary>Every Core operation against every role and a foreign department: the services refuse, whatever the UI shows.</summary>
public class AuthorizationMatrixTests(MatrixFixture fx) : IClassFixture<MatrixFixture>
{
    private const Outcome Y = Outcome.Allowed;
    private const Outcome N = Outcome.Denied;

    // Roles, in column order: Admin, ItAgent, ItSupervisor, HrAgent (foreign department), Requester (owner), OtherRequester,
    // Auditor (reads the audit trail, complaints and reports; changes nothing).
    private static readonly string[] Roles = ["Admin", "ItAgent", "ItSupervisor", "HrAgent", "Requester", "OtherRequester", "Auditor"];

    private static readonly Dictionary<string, Outcome[]> Expected = new()
    {
        ["ticket.get"] = [Y, Y, Y, N, Y, N, N],
        ["ticket.reply"] = [Y, Y, Y, N, Y, N, N],
        ["ticket.note"] = [Y, Y, Y, N, N, N, N],
        ["ticket.update"] = [Y, Y, Y, N, N, N, N],
        ["ticket.watch"] = [Y, Y, Y, N, N, N, N],
        ["ticket.attachment"] = [Y, Y, Y, N, Y, N, N],
        ["queue.it"] = [Y, Y, Y, N, N, N, N],
        ["catalog.teams"] = [Y, Y, Y, N, N, N, N],
        ["catalog.assignees"] = [Y, Y, Y, N, N, N, N],
        ["catalog.people"] = [Y, Y, Y, Y, N, N, N],
        ["admin.departments"] = [Y, N, N, N, N, N, N],
        ["admin.department.save"] = [Y, N, N, N, N, N, N],
        ["admin.category.save"] = [Y, N, N, N, N, N, N],
        ["admin.field.save"] = [Y, N, N, N, N, N, N],
        ["admin.team.save"] = [Y, N, N, N, N, N, N],
        ["admin.type.save"] = [Y, N, N, N, N, N, N],
        ["admin.users.list"] = [Y, N, N, N, N, N, N],
        ["admin.users.save"] = [Y, N, N, N, N, N, N],
        ["admin.people"] = [Y, N, N, N, N, N, N],
        ["sla.list"] = [Y, N, N, N, N, N, N],
        ["sla.policy.get"] = [Y, N, N, N, N, N, N],
        ["sla.policy.save"] = [Y, N, N, N, N, N, N],
        ["sla.policy.test"] = [Y, N, N, N, N, N, N],
        ["sla.calendar.save"] = [Y, N, N, N, N, N, N],
        ["escalation.list"] = [Y, N, N, N, N, N, N],
        ["escalation.save"] = [Y, N, N, N, N, N, N],
        ["rules.list"] = [Y, N, N, N, N, N, N],
        ["rules.save"] = [Y, N, N, N, N, N, N],
        ["notifications.mine"] = [Y, Y, Y, Y, Y, Y, Y],
        ["away.set"] = [Y, Y, Y, Y, N, N, N],
        ["request.create"] = [Y, Y, Y, Y, Y, Y, Y],
        ["request.mine"] = [Y, Y, Y, Y, Y, Y, Y],
        ["report.it"] = [Y, Y, Y, N, N, N, Y],
        ["report.all"] = [Y, Y, Y, Y, N, N, Y],
        ["report.drill.it"] = [Y, Y, Y, N, N, N, Y],
        ["dashboard.render.it"] = [Y, Y, Y, N, N, N, Y],
        ["dashboard.list"] = [Y, Y, Y, Y, N, N, Y],
        ["dashboard.save"] = [Y, Y, Y, Y, N, N, Y],
        ["scheduled.list"] = [Y, Y, Y, Y, N, N, Y],
        ["asset.query"] = [Y, Y, Y, Y, N, N, N],
        ["asset.get.it"] = [Y, Y, Y, N, N, N, N],
        ["asset.create.it"] = [Y, Y, Y, N, N, N, N],
        ["complaint.file"] = [Y, Y, Y, Y, Y, Y, Y],
        ["complaint.get.it"] = [Y, Y, Y, N, N, N, Y],
        ["complaint.save.it"] = [Y, Y, Y, N, N, N, N],
        ["complaint.register"] = [Y, Y, Y, Y, N, N, Y],
        ["catalog.tasks"] = [Y, Y, Y, Y, Y, N, N],
        ["catalog.admin.list"] = [Y, N, N, N, N, N, N],
        ["audit.search"] = [Y, N, N, N, N, N, Y],
        ["audit.timeline"] = [Y, N, N, N, N, N, Y],
    };

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var op in Expected.Keys)
            foreach (var role in Roles)
                data.Add(op, role);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Operation_ByRole_IsAllowedOnlyWhereExpected(string operation, string role)
    {
        var org = fx.Db.Org;
        var actor = role == "Auditor" ? fx.Auditor : org.ActorFor(org.ByRole[role]);
        var expected = Expected[operation][Array.IndexOf(Roles, role)];
        Outcome actual;
        try
        {
            await Run(operation, actor);
            actual = Outcome.Allowed;
        }
        catch (Exception ex) when (ex is DeskForbiddenException or DeskNotFoundException)
        {
            actual = Outcome.Denied;
        }

        Assert.Equal(expected, actual);
    }

    private async Task Run(string operation, Actor actor)
    {
        var db = fx.Db;
        var org = db.Org;
        var tickets = db.Get<TicketCommands>();
        var filing = db.Get<TicketFiling>();
        var reads = db.Get<TicketQueries>();
        var admin = db.Get<DepartmentAdminService>();
        var n = fx.Next();
        switch (operation)
        {
            case "ticket.get":
                await reads.GetAsync(actor, fx.TicketId);
                break;
            case "ticket.reply":
                await tickets.ReplyAsync(actor, fx.TicketId, "hello", isPublic: true, []);
                break;
            case "ticket.note":
                await tickets.ReplyAsync(actor, fx.TicketId, "note", isPublic: false, []);
                break;
            case "ticket.update":
                // Read as an admin so that a refused actor is refused by the update itself, not by the read.
                var current = await reads.GetAsync(org.ActorFor(org.Admin), fx.TicketId);
                await tickets.UpdateAsync(actor, fx.TicketId, current.Version,
                    TicketServiceTests.TicketEditModelFor(current) with { Priority = (TicketPriority)(n % 4) });
                break;
            case "ticket.watch":
                await tickets.SetWatcherAsync(actor, fx.TicketId, org.ItSupervisor.Id, watch: n % 2 == 0);
                break;
            case "ticket.attachment":
                await reads.GetAttachmentAsync(actor, fx.AttachmentId);
                break;
            case "queue.it":
                await db.Get<QueueService>().QueryAsync(actor, new QueueQuery(org.It.Id));
                break;
            case "catalog.teams":
                await db.Get<DepartmentDirectory>().ListTeamsAsync(actor, org.It.Id);
                break;
            case "catalog.assignees":
                await db.Get<DepartmentDirectory>().ListAssigneesAsync(actor, org.It.Id);
                break;
            case "catalog.people":
                await db.Get<DepartmentDirectory>().SearchPeopleAsync(actor, "a");
                break;
            case "admin.departments":
                await admin.ListAsync(actor);
                break;
            case "admin.department.save":
                await admin.SaveDepartmentAsync(actor, new DepartmentInput(null, $"D{n}", $"Dept {n}", "", null, true));
                break;
            case "admin.category.save":
                await admin.SaveCategoryAsync(actor, new CategoryInput(null, org.It.Id, $"Cat {n}", "", true));
                break;
            case "admin.field.save":
                await admin.SaveFieldAsync(actor, new CustomFieldInput(null, org.Payroll.Id, $"Field {n}", FieldKind.Text, false, "", true, n, true));
                break;
            case "admin.team.save":
                await admin.SaveTeamAsync(actor, new TeamInput(null, org.It.Id, $"Team {n}"));
                break;
            case "admin.type.save":
                await admin.SaveTypeAsync(actor, null, $"Type {n}", true);
                break;
            case "admin.users.list":
                await db.Get<UserAdminService>().ListAsync(actor, null, 1, 10);
                break;
            case "admin.users.save":
                await db.Get<UserAdminService>().SaveAsync(actor,
                    new UserInput(null, $"user{n}@test.example", $"User {n}", "longenough1", DeskRole.Requester, [], [], null, "", true));
                break;
            case "admin.people":
                await db.Get<DepartmentDirectory>().ListPeopleAsync(actor);
                break;
            case "sla.list":
                await db.Get<Portal.Core.Sla.SlaAdminService>().ListAsync(actor);
                break;
            case "sla.policy.get":
                await db.Get<Portal.Core.Sla.SlaAdminService>().GetPolicyAsync(actor, 1);
                break;
            case "sla.policy.save":
                var policy = await db.Get<Portal.Core.Sla.SlaAdminService>().GetPolicyAsync(org.ActorFor(org.Admin), 1);
                await db.Get<Portal.Core.Sla.SlaAdminService>().SavePolicyAsync(actor, policy);
                break;
            case "sla.policy.test":
                var toTest = await db.Get<Portal.Core.Sla.SlaAdminService>().GetPolicyAsync(org.ActorFor(org.Admin), 1);
                await db.Get<Portal.Core.Sla.SlaAdminService>().TestAsync(actor, toTest,
                    """[{ "at": "2026-12-08T07:00:00Z", "type": "created", "priority": "High" }]""", "2026-12-08T08:00:00Z");
                break;
            case "sla.calendar.save":
                var week = Portal.Core.Sla.SlaJson.Weekdays.Keys.ToDictionary(d => d, _ => "09:00-17:00");
                await db.Get<Portal.Core.Sla.SlaAdminService>().SaveCalendarAsync(actor,
                    new Portal.Core.Sla.CalendarInput(null, $"Calendar {n}", "Europe/Berlin", false, week, "", 0));
                break;
            case "escalation.list":
                await db.Get<Portal.Core.Escalations.EscalationAdminService>().ListAsync(actor);
                break;
            case "escalation.save":
                await db.Get<Portal.Core.Escalations.EscalationAdminService>().SaveAsync(actor, new Portal.Core.Escalations.PathInput(null, $"Path {n}", true, null, null,
                    [new Portal.Core.Escalations.LevelInput(1, Portal.Core.Sla.SlaMetric.FirstResponse, Portal.Core.Sla.EscalationTrigger.AtBreach, null, null,
                        new Portal.Core.Sla.EscalationActions { NotifyAssignee = true })]));
                break;
            case "rules.list":
                await db.Get<Portal.Core.Routing.AutomationService>().ListAsync(actor);
                break;
            case "rules.save":
                await db.Get<Portal.Core.Routing.AutomationService>().SaveAsync(actor, new Portal.Core.Routing.RuleInput(null, $"Rule {n}", n, false,
                    Portal.Core.Routing.RuleTrigger.Created, new Portal.Core.Routing.RuleConditions(), new Portal.Core.Routing.RuleActions { Reopen = true }, false));
                break;
            case "notifications.mine":
                await db.Get<Portal.Core.Notifications.NotificationService>().ListAsync(actor);
                break;
            case "away.set":
                await db.Get<Portal.Core.Users.ActorService>().SetAwayAsync(actor, false);
                break;
            case "request.create":
                await filing.CreateAsync(actor, TicketFactory.Payroll(org, $"Question {n}"));
                break;
            case "request.mine":
                await reads.ListMyRequestsAsync(actor, false, 1, 10);
                break;
            case "report.it":
                await db.Get<Portal.Core.Reporting.ReportService>().RunAsync(actor, new Portal.Core.Reporting.ReportRequest(DepartmentId: org.It.Id));
                break;
            case "report.all":
                await db.Get<Portal.Core.Reporting.ReportService>().RunAsync(actor, new Portal.Core.Reporting.ReportRequest(By: Portal.Core.Reporting.Dimension.Priority));
                break;
            case "report.drill.it":
                await db.Get<Portal.Core.Reporting.ReportService>().DrillAsync(actor, new Portal.Core.Reporting.ReportRequest(DepartmentId: org.It.Id), null, 0);
                break;
            case "dashboard.render.it":
                // A widget asking for IT renders for IT's staff; for anyone else the service refuses it (shown as the widget's reason).
                var view = (await db.Get<Portal.Core.Reporting.DashboardService>().RenderAsync(actor,
                    [new Portal.Core.Reporting.Widget("w", Portal.Core.Reporting.WidgetKind.Tile, Portal.Core.Reporting.Measure.Created, DepartmentId: org.It.Id)]))[0];
                if (view.Problem is not null)
                    throw new DeskForbiddenException(view.Problem);
                break;
            case "dashboard.list":
                await db.Get<Portal.Core.Reporting.DashboardService>().ListAsync(actor);
                break;
            case "dashboard.save":
                await db.Get<Portal.Core.Reporting.DashboardService>().SaveAsync(actor, new Portal.Core.Reporting.DashboardInput(null, $"Board {n}", null, [], 0));
                break;
            case "scheduled.list":
                await db.Get<Portal.Core.Reporting.ScheduledReportService>().ListAsync(actor);
                break;
            case "asset.query":
                await db.Get<Portal.Core.Assets.AssetService>().QueryAsync(actor, new Portal.Core.Assets.AssetQuery());
                break;
            case "asset.get.it":
                await db.Get<Portal.Core.Assets.AssetService>().GetAsync(actor, fx.AssetId);
                break;
            case "asset.create.it":
                var laptop = (await db.Get<Portal.Core.Assets.AssetService>().ListTypesAsync()).First(t => t.Name == "Laptop").Id;
                try
                {
                    await db.Get<Portal.Core.Assets.AssetService>().CreateAsync(actor, new Portal.Core.Assets.AssetInput($"LT-M{n}", $"Laptop {n}", laptop, org.It.Id));
                }
                catch (DeskValidationException ex) when (ex.Errors.Keys.SequenceEqual(["Department"]))
                {
                    // The registry refuses a department the actor does not work in as a mistake in the form's Department field.
                    throw new DeskForbiddenException(ex.Errors["Department"]);
                }

                break;
            case "complaint.file":
                await db.Get<Portal.Core.Complaints.ComplaintService>().FileAsync(actor, new Portal.Core.Complaints.ComplaintInput(org.Hr.Id, $"Complaint {n}",
                    "Details.", "Someone", null, Portal.Core.Complaints.ComplaintChannel.Phone, Portal.Core.Complaints.ComplaintSubject.Service, "Payroll",
                    Portal.Core.Complaints.ComplaintSeverity.Low, false, null));
                break;
            case "complaint.get.it":
                await db.Get<Portal.Core.Complaints.ComplaintService>().GetAsync(actor, fx.ComplaintId);
                break;
            case "complaint.save.it":
                var form = (await db.Get<Portal.Core.Complaints.ComplaintService>().GetAsync(org.ActorFor(org.Admin), fx.ComplaintId))!;
                await db.Get<Portal.Core.Complaints.ComplaintService>().SaveAsync(actor, fx.ComplaintId, form.Version, form.Form with { AboutDetail = $"Laptop swap {n}" });
                break;
            case "complaint.register":
                await db.Get<Portal.Core.Complaints.ComplaintService>().RegisterAsync(actor, new Portal.Core.Complaints.ComplaintQuery());
                break;
            case "catalog.tasks":
                var requestId = await fx.OnboardingAsync();
                await db.Get<Portal.Core.Catalog.ServiceCatalog>().TasksAsync(actor, requestId);
                break;
            case "catalog.admin.list":
                await db.Get<Portal.Core.Catalog.CatalogAdmin>().ListAsync(actor);
                break;
            case "audit.search":
                await db.Get<Portal.Core.Audit.AuditService>().SearchAsync(actor, new Portal.Core.Audit.AuditQuery());
                break;
            case "audit.timeline":
                await db.Get<Portal.Core.Audit.AuditService>().TimelineAsync(actor, fx.TicketId);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(operation), operation, null);
        }
    }

    [Fact]
    public void Matrix_CoversEveryRoleForEveryOperation() =>
        Assert.All(Expected.Values, row => Assert.Equal(Roles.Length, row.Length));
}
