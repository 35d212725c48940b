using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Tickets;
using Portal.Tests.Support;
using Portal.Core.Handling;

namespace Portal.Tests.Persistence;

public class TicketServiceTests : IAsyncLifetime
{
    private TestDatabase _db = default!;
    private TestOrg Org => _db.Org;
    private TicketCommands Tickets => _db.Get<TicketCommands>();

    private TicketFiling Filing => _db.Get<TicketFiling>();
    private TicketQueries Reads => _db.Get<TicketQueries>();
    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();
    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task Create_ValidRequest_GetsDepartmentNumberAndHistory()
    {
        var requester = Org.ActorFor(Org.Requester);
        var first = await TicketFactory.FileAsync(_db, requester);
        var second = await TicketFactory.FileAsync(_db, requester);
        var hr = await Filing.CreateAsync(requester, TicketFactory.Payroll(Org));

        Assert.Equal("IT-1", first.Key);
        Assert.Equal("IT-2", second.Key);
        Assert.Equal("HR-1", hr.Key);
        var details = await Reads.GetAsync(requester, first.Id);
        Assert.Equal(TicketStatus.New, details.Status);
        Assert.Equal("Request", details.TypeName);
        Assert.Equal(_db.Clock.GetUtcNow().UtcDateTime, details.CreatedAt);
        var created = Assert.Single(details.Events);
        Assert.Equal(TicketEventKind.Created, created.Kind);
        Assert.Equal("Rita Requester", created.ActorName);
        Assert.Equal("LT-1001", details.Fields.Single(f => f.Label == "Asset tag").Value);
    }

    [Fact]
    public async Task Create_ConcurrentRequests_NeverShareANumber()
    {
        var requester = Org.ActorFor(Org.Requester);
        var created = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            Task.Run(() => Filing.CreateAsync(requester, TicketFactory.Laptop(Org, $"Parallel {i}")))));
        Assert.Equal(12, created.Select(c => c.Key).Distinct().Count());
        Assert.Equal(Enumerable.Range(1, 12).Select(n => $"IT-{n}").Order(), created.Select(c => c.Key).Order());
    }

    [Fact]
    public async Task Create_MissingEverything_NamesEachField()
    {
        var input = new NewTicketInput(Org.It.Id, Org.Laptop.Id, "", " ", new Dictionary<int, string?>(), []);
        var ex = await Assert.ThrowsAsync<DeskValidationException>(() => Filing.CreateAsync(Org.ActorFor(Org.Requester), input));
        Assert.Equal("Title is required.", ex.Errors["Title"]);
        Assert.Equal("Description is required.", ex.Errors["Description"]);
        Assert.Equal("Asset tag is required.", ex.Errors[FieldRules.ErrorKey(Org.AssetTag.Id)]);
        Assert.Equal("Operating system is required.", ex.Errors[FieldRules.ErrorKey(Org.Os.Id)]);
        await using var ctx = _db.NewContext();
        Assert.Equal(0, await ctx.Tickets.CountAsync());
    }

    [Fact]
    public async Task Create_TooLongTitle_IsRefused()
    {
        var input = TicketFactory.Laptop(Org, new string('a', TicketLimits.TitleMax + 1));
        var ex = await Assert.ThrowsAsync<DeskValidationException>(() => Filing.CreateAsync(Org.ActorFor(Org.Requester), input));
        Assert.Contains("at most 200 characters", ex.Errors["Title"]);
    }

    [Fact]
    public async Task Create_UnknownDepartment_IsRefusedByName()
    {
        var input = TicketFactory.Laptop(Org) with { DepartmentId = 999 };
        var ex = await Assert.ThrowsAsync<DeskValidationException>(() => Filing.CreateAsync(Org.ActorFor(Org.Requester), input));
        Assert.Contains("Department 999 does not exist", ex.Errors["DepartmentId"]);
    }

    [Fact]
    public async Task Create_CategoryOfAnotherDepartment_IsRefused()
    {
        var input = TicketFactory.Laptop(Org) with { CategoryId = Org.Payroll.Id };
        var ex = await Assert.ThrowsAsync<DeskValidationException>(() => Filing.CreateAsync(Org.ActorFor(Org.Requester), input));
        Assert.Contains("is not a category of IT", ex.Errors["CategoryId"]);
    }

    [Fact]
    public async Task Create_RequesterCannotFillAgentOnlyField()
    {
        var fields = new Dictionary<int, string?>(TicketFactory.Laptop(Org).Fields) { [Org.Diagnosis.Id] = "sneaky" };
        var created = await Filing.CreateAsync(Org.ActorFor(Org.Requester), TicketFactory.Laptop(Org) with { Fields = fields });
        var asAgent = await Reads.GetAsync(Org.ActorFor(Org.ItAgent), created.Id);
        Assert.Null(asAgent.Fields.Single(f => f.FieldId == Org.Diagnosis.Id).Value);
    }

    [Fact]
    public async Task Create_WithAttachment_StoresItForDownload()
    {
        var file = new NewAttachment("error.txt", "text/plain", "boom"u8.ToArray());
        var requester = Org.ActorFor(Org.Requester);
        var created = await Filing.CreateAsync(requester, TicketFactory.Laptop(Org, files: [file]));
        var details = await Reads.GetAsync(requester, created.Id);
        var attachment = Assert.Single(details.Attachments);
        Assert.Equal("error.txt", attachment.FileName);
        Assert.Equal(attachment.Id, Assert.Single(details.Events[0].Attachments).Id);
        var download = await Reads.GetAttachmentAsync(Org.ActorFor(Org.ItAgent), attachment.Id);
        Assert.Equal("boom"u8.ToArray(), download.Data);
        Assert.Equal("text/plain", download.ContentType);
    }

    [Fact]
    public async Task Create_RefusedAttachment_KeepsNothing()
    {
        var file = new NewAttachment("virus.exe", "application/x-msdownload", [1, 2]);
        var ex = await Assert.ThrowsAsync<DeskValidationException>(() =>
            Filing.CreateAsync(Org.ActorFor(Org.Requester), TicketFactory.Laptop(Org, files: [file])));
        Assert.Contains("virus.exe", ex.Errors[AttachmentRules.Field]);
        await using var ctx = _db.NewContext();
        Assert.False(await ctx.Tickets.AnyAsync());
    }

    [Fact]
    public async Task Reply_AgentFirstPublicReply_OpensTheTicket()
    {
        var created = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.Requester));
        _db.Clock.Advance(TimeSpan.FromMinutes(5));
        await Tickets.ReplyAsync(Org.ActorFor(Org.ItAgent), created.Id, "Looking into it", isPublic: true, []);
        var details = await Reads.GetAsync(Org.ActorFor(Org.Requester), created.Id);
        Assert.Equal(TicketStatus.Open, details.Status);
        var reply = details.Events.Single(e => e.Kind == TicketEventKind.Reply);
        Assert.True(reply.ByAgent);
        Assert.Equal("Looking into it", reply.Body);
        Assert.Equal(_db.Clock.GetUtcNow().UtcDateTime, details.UpdatedAt);
    }

    [Fact]
    public async Task Reply_InternalNote_IsHiddenFromRequester()
    {
        var created = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.Requester));
        var file = new NewAttachment("internal.txt", "text/plain", [1]);
        await Tickets.ReplyAsync(Org.ActorFor(Org.ItAgent), created.Id, "Probably the disk", isPublic: false, [file]);

        var asRequester = await Reads.GetAsync(Org.ActorFor(Org.Requester), created.Id);
        Assert.DoesNotContain(asRequester.Events, e => e.Kind == TicketEventKind.InternalNote);
        Assert.Empty(asRequester.Attachments);
        Assert.DoesNotContain(asRequester.Fields, f => f.FieldId == Org.Diagnosis.Id);
        Assert.Equal(TicketStatus.New, asRequester.Status);
        var attachmentId = (await Reads.GetAsync(Org.ActorFor(Org.ItAgent), created.Id)).Attachments.Single().Id;
        await Assert.ThrowsAsync<DeskNotFoundException>(() => Reads.GetAttachmentAsync(Org.ActorFor(Org.Requester), attachmentId));

        var asAgent = await Reads.GetAsync(Org.ActorFor(Org.ItAgent), created.Id);
        Assert.Contains(asAgent.Events, e => e.Kind == TicketEventKind.InternalNote && e.Body == "Probably the disk");
    }

    [Fact]
    public async Task Reply_RequesterCannotWriteInternalNote()
    {
        var created = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.Requester));
        await Assert.ThrowsAsync<DeskForbiddenException>(() =>
            Tickets.ReplyAsync(Org.ActorFor(Org.Requester), created.Id, "hidden", isPublic: false, []));
    }

    [Fact]
    public async Task Reply_RequesterRepliesToResolved_Reopens()
    {
        var requester = Org.ActorFor(Org.Requester);
        var agent = Org.ActorFor(Org.ItAgent);
        var created = await TicketFactory.FileAsync(_db, requester);
        var t = await Reads.GetAsync(agent, created.Id);
        await Tickets.UpdateAsync(agent, created.Id, t.Version, TicketEditModelFor(t) with { Status = TicketStatus.Resolved });

        await Tickets.ReplyAsync(requester, created.Id, "Still broken", isPublic: true, []);

        var after = await Reads.GetAsync(requester, created.Id);
        Assert.Equal(TicketStatus.Open, after.Status);
        var reopen = after.Events.Last();
        Assert.Equal(TicketEventKind.Reopened, reopen.Kind);
        Assert.Equal("Resolved", reopen.OldValue);
    }

    [Fact]
    public async Task Reply_RequesterAnswersPendingQuestion_BackToOpen()
    {
        var requester = Org.ActorFor(Org.Requester);
        var agent = Org.ActorFor(Org.ItAgent);
        var created = await TicketFactory.FileAsync(_db, requester);
        var t = await Reads.GetAsync(agent, created.Id);
        await Tickets.UpdateAsync(agent, created.Id, t.Version, TicketEditModelFor(t) with { Status = TicketStatus.PendingRequester });
        await Tickets.ReplyAsync(requester, created.Id, "Here is the serial", isPublic: true, []);
        Assert.Equal(TicketStatus.Open, (await Reads.GetAsync(requester, created.Id)).Status);
    }

    [Fact]
    public async Task Reply_ToClosedRequest_IsRefusedWithAdvice()
    {
        var requester = Org.ActorFor(Org.Requester);
        var agent = Org.ActorFor(Org.ItAgent);
        var created = await TicketFactory.FileAsync(_db, requester);
        var t = await Reads.GetAsync(agent, created.Id);
        await Tickets.UpdateAsync(agent, created.Id, t.Version, TicketEditModelFor(t) with { Status = TicketStatus.Closed });
        var ex = await Assert.ThrowsAsync<DeskValidationException>(() => Tickets.ReplyAsync(requester, created.Id, "hello?", true, []));
        Assert.Contains("file a new request", ex.Errors["Body"]);
    }

    [Fact]
    public async Task Reply_Empty_IsRefused()
    {
        var created = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.Requester));
        var ex = await Assert.ThrowsAsync<DeskValidationException>(() =>
            Tickets.ReplyAsync(Org.ActorFor(Org.Requester), created.Id, "   ", true, []));
        Assert.Equal("Message is required.", ex.Errors["Body"]);
    }

    [Fact]
    public async Task Update_ChangesEveryField_AndRecordsEachInHistory()
    {
        var agent = Org.ActorFor(Org.ItAgent);
        var created = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.Requester));
        var t = await Reads.GetAsync(agent, created.Id);
        var fields = t.Fields.ToDictionary(f => f.FieldId, f => f.Value);
        fields[Org.Diagnosis.Id] = "Disk failure";
        fields[Org.Affected.Id] = "3";
        var incident = (await _db.Get<Portal.Core.Departments.DepartmentDirectory>().ListTypesAsync()).Single(x => x.Name == "Incident");
        var edit = new TicketEdit(TicketStatus.InProgress, TicketPriority.High, Org.Laptop.Id, incident.Id, Org.ItAgent2.Id,
            Org.ServiceDesk.Id, fields);

        var version = await Tickets.UpdateAsync(agent, created.Id, t.Version, edit);

        var after = await Reads.GetAsync(agent, created.Id);
        Assert.Equal(version, after.Version);
        Assert.Equal(t.Version + 1, after.Version);
        Assert.Equal(TicketStatus.InProgress, after.Status);
        Assert.Equal(TicketPriority.High, after.Priority);
        Assert.Equal("Ida Agent", after.Assignee!.Name);
        Assert.Equal("Service Desk", after.TeamName);
        Assert.Equal("Incident", after.TypeName);
        Assert.Equal("Disk failure", after.Fields.Single(f => f.FieldId == Org.Diagnosis.Id).Value);
        var kinds = after.Events.Select(e => e.Kind).ToList();
        Assert.Contains(TicketEventKind.StatusChanged, kinds);
        Assert.Contains(TicketEventKind.PriorityChanged, kinds);
        Assert.Contains(TicketEventKind.AssigneeChanged, kinds);
        Assert.Contains(TicketEventKind.TeamChanged, kinds);
        Assert.Contains(TicketEventKind.TypeChanged, kinds);
        Assert.Equal(2, kinds.Count(k => k == TicketEventKind.FieldChanged));

        // The requester sees public changes but not the agent-only diagnosis or the internal team and type changes.
        var asRequester = await Reads.GetAsync(Org.ActorFor(Org.Requester), created.Id);
        Assert.DoesNotContain(asRequester.Events, e => e.Subject == "Diagnosis");
        Assert.DoesNotContain(asRequester.Events, e => e.Kind is TicketEventKind.TeamChanged or TicketEventKind.TypeChanged);
        Assert.Contains(asRequester.Events, e => e.Kind == TicketEventKind.StatusChanged);
    }

    [Fact]
    public async Task Update_NothingChanged_KeepsVersion()
    {
        var agent = Org.ActorFor(Org.ItAgent);
        var created = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.Requester));
        var t = await Reads.GetAsync(agent, created.Id);
        Assert.Equal(t.Version, await Tickets.UpdateAsync(agent, created.Id, t.Version, TicketEditModelFor(t)));
        Assert.Single((await Reads.GetAsync(agent, created.Id)).Events);
    }

    [Fact]
    public async Task Update_StaleVersion_IsAConflictThatSavesNothing()
    {
        var ian = Org.ActorFor(Org.ItAgent);
        var ida = Org.ActorFor(Org.ItAgent2);
        var created = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.Requester));
        var seenByIan = await Reads.GetAsync(ian, created.Id);
        var seenByIda = await Reads.GetAsync(ida, created.Id);
        await Tickets.UpdateAsync(ida, created.Id, seenByIda.Version, TicketEditModelFor(seenByIda) with { Status = TicketStatus.Resolved });

        var ex = await Assert.ThrowsAsync<DeskConflictException>(() =>
            Tickets.UpdateAsync(ian, created.Id, seenByIan.Version, TicketEditModelFor(seenByIan) with { Priority = TicketPriority.Critical }));

        Assert.Contains("Ida Agent", ex.Message);
        var now = await Reads.GetAsync(ian, created.Id);
        Assert.Equal(TicketStatus.Resolved, now.Status);
        Assert.Equal(TicketPriority.Normal, now.Priority);
    }

    [Fact]
    public async Task Update_AssigneeFromAnotherDepartment_IsRefused()
    {
        var agent = Org.ActorFor(Org.ItAgent);
        var created = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.Requester));
        var t = await Reads.GetAsync(agent, created.Id);
        var ex = await Assert.ThrowsAsync<DeskValidationException>(() =>
            Tickets.UpdateAsync(agent, created.Id, t.Version, TicketEditModelFor(t) with { AssigneeId = Org.HrAgent.Id, TeamId = Org.HrTeam.Id }));
        Assert.Contains("active agent or supervisor of this department", ex.Errors["AssigneeId"]);
        Assert.Contains("team of this department", ex.Errors["TeamId"]);
    }

    [Fact]
    public async Task Update_DeactivatedAssignee_IsRefused()
    {
        var agent = Org.ActorFor(Org.ItAgent);
        var created = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.Requester));
        var t = await Reads.GetAsync(agent, created.Id);
        await Assert.ThrowsAsync<DeskValidationException>(() =>
            Tickets.UpdateAsync(agent, created.Id, t.Version, TicketEditModelFor(t) with { AssigneeId = Org.Deactivated.Id }));
    }

    [Fact]
    public async Task Update_ClearingARequiredField_IsRefused()
    {
        var agent = Org.ActorFor(Org.ItAgent);
        var created = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.Requester));
        var t = await Reads.GetAsync(agent, created.Id);
        var fields = t.Fields.ToDictionary(f => f.FieldId, f => f.Value);
        fields[Org.AssetTag.Id] = "";
        var ex = await Assert.ThrowsAsync<DeskValidationException>(() =>
            Tickets.UpdateAsync(agent, created.Id, t.Version, TicketEditModelFor(t) with { Fields = fields }));
        Assert.Equal("Asset tag is required.", ex.Errors[FieldRules.ErrorKey(Org.AssetTag.Id)]);
    }

    [Fact]
    public async Task AssignToMe_TakesTheTicket()
    {
        var agent = Org.ActorFor(Org.ItAgent2);
        var created = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.Requester));
        var t = await Reads.GetAsync(agent, created.Id);
        await Tickets.AssignToMeAsync(agent, created.Id, t.Version);
        Assert.Equal(Org.ItAgent2.Id, (await Reads.GetAsync(agent, created.Id)).Assignee!.Id);
    }

    [Fact]
    public async Task Watchers_AddedWatcherSeesPublicView()
    {
        var created = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.Requester));
        await Assert.ThrowsAsync<DeskNotFoundException>(() => Reads.GetAsync(Org.ActorFor(Org.OtherRequester), created.Id));
        await Tickets.SetWatcherAsync(Org.ActorFor(Org.ItAgent), created.Id, Org.OtherRequester.Id, watch: true);
        var asWatcher = await Reads.GetAsync(Org.ActorFor(Org.OtherRequester), created.Id);
        Assert.False(asWatcher.StaffView);
        Assert.Equal("Otto Other", Assert.Single(asWatcher.Watchers).Name);
        await Tickets.SetWatcherAsync(Org.ActorFor(Org.ItAgent), created.Id, Org.OtherRequester.Id, watch: false);
        await Assert.ThrowsAsync<DeskNotFoundException>(() => Reads.GetAsync(Org.ActorFor(Org.OtherRequester), created.Id));
    }

    [Fact]
    public async Task ListMyRequests_OnlyMine_NewestFirst()
    {
        var rita = Org.ActorFor(Org.Requester);
        await TicketFactory.FileAsync(_db, rita, TicketFactory.Laptop(Org, "older"));
        _db.Clock.Advance(TimeSpan.FromHours(1));
        await TicketFactory.FileAsync(_db, rita, TicketFactory.Laptop(Org, "newer"));
        await TicketFactory.FileAsync(_db, Org.ActorFor(Org.OtherRequester), TicketFactory.Laptop(Org, "not mine"));
        var page = await Reads.ListMyRequestsAsync(rita, openOnly: false, 1, 10);
        Assert.Equal(["newer", "older"], page.Items.Select(i => i.Title));
    }

    internal static TicketEdit TicketEditModelFor(TicketDetails t) =>
        new(t.Status, t.Priority, t.CategoryId, t.TypeId, t.Assignee?.Id, t.TeamId, t.Fields.ToDictionary(f => f.FieldId, f => f.Value));
}
