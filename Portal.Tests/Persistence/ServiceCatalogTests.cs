using Microsoft.EntityFrameworkCore;
using Portal.Core.Catalog;
using Portal.Core.Common;
using Portal.Core.Security;
using Portal.Core.Sla;
using Portal.Core.Tickets;
using Portal.Tests.Support;
using Portal.Core.Handling;

namespace Portal.Tests.Persistence;

/// <summary>One request, several departments: catalog items file their tasks, tasks wait for each other, the request follows them.</summary>
public class ServiceCatalogTests : IAsyncLifetime
{
    private TestDatabase _db = default!;
    private TestOrg Org => _db.Org;
    private ServiceCatalog Catalog => _db.Get<ServiceCatalog>();
    private TicketCommands Tickets => _db.Get<TicketCommands>();
    private TicketQueries Reads => _db.Get<TicketQueries>();
    private Actor Admin => Org.ActorFor(Org.Admin);

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private async Task<(CreatedTicket Parent, IReadOnlyList<TaskProgress> Tasks)> OnboardAsync()
    {
        var parent = await TicketFactory.OnboardingAsync(_db, Org.ActorFor(Org.Requester), "She needs a standing desk.");
        return (parent, await Catalog.TasksAsync(Admin, parent.Id));
    }

    private async Task CompleteAsync(Actor agent, int ticketId)
    {
        var t = await Reads.GetAsync(agent, ticketId);
        await Tickets.UpdateAsync(agent, ticketId, t.Version, TicketServiceTests.TicketEditModelFor(t) with { Status = TicketStatus.Resolved });
    }

    [Fact]
    public async Task TheSeededCatalog_HasOnboardingOffboardingAndOfficeMove_EachWithItsForm()
    {
        var items = await Catalog.ListAsync();
        Assert.Equal(["Offboarding", "Office move", "Onboarding a new hire"], items.Select(i => i.Name));
        var onboarding = items.Single(i => i.Name == "Onboarding a new hire");
        Assert.Equal(["HR", "IT", "Facilities"], onboarding.TaskDepartments);
        var form = await Catalog.GetFormAsync(onboarding.Id);
        Assert.Equal(["New hire's name", "First day", "Job title"], form.Fields.Select(f => f.Label));
        Assert.True(form.Fields[0].Required);
    }

    [Fact]
    public async Task RequestingAnItem_FilesTheRequestAndATaskInEachDepartmentsQueue_AtOnce()
    {
        var (parent, tasks) = await OnboardAsync();
        var request = await Reads.GetAsync(Org.ActorFor(Org.Requester), parent.Id);
        Assert.Equal("Onboarding a new hire: Nina Novak", request.Title);
        Assert.Equal(Org.Hr.Id, request.DepartmentId);
        Assert.Contains("She needs a standing desk.", request.Description);
        Assert.Equal(["Prepare the employment contract", "Create accounts and email", "Issue a laptop", "Prepare a desk and a badge"],
            tasks.Select(t => t.Title[..t.Title.LastIndexOf(" (", StringComparison.Ordinal)]));
        Assert.Equal(["HR", "IT", "IT", "Facilities"], tasks.Select(t => t.Department));
        var queue = await _db.Get<QueueService>().QueryAsync(Org.ActorFor(Org.ItAgent), new QueueQuery(Org.It.Id));
        Assert.Equal(2, queue.Items.Count(i => i.Title.EndsWith($"({parent.Key})", StringComparison.Ordinal)));
        // The requester follows one request: the tasks are not listed among their requests.
        var mine = await Reads.ListMyRequestsAsync(Org.ActorFor(Org.Requester), false, 1, 50);
        Assert.Equal([parent.Id], mine.Items.Select(i => i.Id));
    }

    [Fact]
    public async Task ATaskThatWaits_IsPausedAndSaysForWhat_AndStartsOnlyWhenTheOtherIsDone()
    {
        var (_, tasks) = await OnboardAsync();
        var contract = tasks.Single(t => t.Title.StartsWith("Prepare the employment contract"));
        var accounts = tasks.Single(t => t.Title.StartsWith("Create accounts"));
        Assert.Equal((TicketStatus.Waiting, contract.Key), (accounts.Status, accounts.WaitsForKey));
        Assert.Equal(TicketStatus.New, tasks.Single(t => t.Title.StartsWith("Issue a laptop")).Status);
        var waitingPage = await Reads.GetAsync(Org.ActorFor(Org.ItAgent), accounts.Id);
        Assert.Equal((contract.Key, "Onboarding a new hire: Nina Novak"), (waitingPage.WaitsFor!.Key, waitingPage.Parent!.Title));
        await using (var ctx = _db.NewContext())
        {
            var states = await ctx.TicketSlaStates.AsNoTracking().Where(s => s.TicketId == accounts.Id).ToListAsync();
            Assert.All(states.Where(s => s.Metric != SlaMetric.NextResponse), s => Assert.Equal(SlaState.Paused, s.State));
        }

        _db.Clock.Advance(TimeSpan.FromHours(30));
        await CompleteAsync(Org.ActorFor(Org.HrAgent), contract.Id);
        var after = (await Catalog.TasksAsync(Admin, (await ParentOfAsync(accounts.Id)))).Single(t => t.Id == accounts.Id);
        Assert.Equal(TicketStatus.New, after.Status);
        var history = (await Reads.GetAsync(Org.ActorFor(Org.ItAgent), accounts.Id)).Events;
        Assert.Contains(history, e => e.Kind == TicketEventKind.StatusChanged && e.NewValue == "New" && e.OldValue == "Waiting for another task");
        await using (var ctx = _db.NewContext())
        {
            // Its first response clock only started now: the 30 hours it waited do not count.
            var first = await ctx.TicketSlaStates.AsNoTracking().SingleAsync(s => s.TicketId == accounts.Id && s.Metric == SlaMetric.FirstResponse);
            Assert.Equal(SlaState.Running, first.State);
            Assert.True(first.ElapsedSeconds < 60, $"counted {first.ElapsedSeconds} s while waiting");
        }

    }

    [Fact]
    public async Task TheRequestResolves_WhenItsLastTaskIsDone_AndItsRequesterIsTold()
    {
        var (parent, tasks) = await OnboardAsync();
        var agents = new Dictionary<string, Actor>
        {
            ["HR"] = Org.ActorFor(Org.HrAgent), ["IT"] = Org.ActorFor(Org.ItAgent), ["Facilities"] = Admin,
        };
        foreach (var task in tasks.OrderBy(t => t.Status == TicketStatus.Waiting))
        {
            Assert.NotEqual(TicketStatus.Resolved, (await Reads.GetAsync(Admin, parent.Id)).Status);
            await CompleteAsync(agents[task.Department], task.Id);
        }

        var request = await Reads.GetAsync(Org.ActorFor(Org.Requester), parent.Id);
        Assert.Equal(TicketStatus.Resolved, request.Status);
        Assert.Contains(request.Events, e => e.Kind == TicketEventKind.StatusChanged && e.NewValue == "Resolved");
        await using var ctx = _db.NewContext();
        Assert.Contains(ctx.Notifications, n => n.UserId == Org.Requester.Id && n.TicketId == parent.Id && n.Text.Contains("every part of your request"));
        Assert.DoesNotContain(ctx.Notifications, n => n.UserId == Org.Requester.Id && n.TicketId != parent.Id && n.Text.StartsWith("Resolved"));
    }

    [Fact]
    public async Task ATasksChange_IsAnnouncedForItsRequest_SoTheRequestsOpenPagesShowTheProgressLive()
    {
        var (parent, tasks) = await OnboardAsync();
        var laptop = tasks.Single(t => t.Title.StartsWith("Issue a laptop"));
        var changes = new List<TicketChanged>();
        _db.Get<TicketChangeFeed>().Changed += changes.Add;
        await Tickets.ReplyAsync(Org.ActorFor(Org.ItAgent), laptop.Id, "Your laptop is being prepared.", isPublic: true, []);
        Assert.Contains(changes, c => c.TicketId == parent.Id && c.DepartmentId == Org.Hr.Id);
        changes.Clear();
        await CompleteAsync(Org.ActorFor(Org.ItAgent), laptop.Id);
        Assert.Contains(changes, c => c.TicketId == parent.Id);
        Assert.Equal(1, (await Catalog.TasksAsync(Org.ActorFor(Org.Requester), parent.Id)).Count(t => t.Done));
    }

    [Fact]
    public async Task WhoSeesWhat_AnHrAgentReadsTheHrTask_ButNotTheItTasksNotes()
    {
        var (parent, tasks) = await OnboardAsync();
        var laptop = tasks.Single(t => t.Title.StartsWith("Issue a laptop"));
        await Tickets.ReplyAsync(Org.ActorFor(Org.ItAgent), laptop.Id, "Ordering the 16-inch model.", isPublic: false, []);
        var hal = Org.ActorFor(Org.HrAgent);
        var seen = await Catalog.TasksAsync(hal, parent.Id);
        Assert.True(seen.Single(t => t.Department == "HR").CanOpen);
        Assert.False(seen.Single(t => t.Id == laptop.Id).CanOpen);
        await Assert.ThrowsAsync<DeskNotFoundException>(() => Reads.GetAsync(hal, laptop.Id));
        await Assert.ThrowsAsync<DeskNotFoundException>(() => Catalog.TasksAsync(Org.ActorFor(Org.OtherRequester), parent.Id));
        var requesterView = await Catalog.TasksAsync(Org.ActorFor(Org.Requester), parent.Id);
        Assert.Equal(4, requesterView.Count);
        Assert.All(requesterView, t => Assert.False(t.CanOpen));
    }

    [Fact]
    public async Task ATaskIsDepartmentWork_ItsRequesterCannotOpenIt_HearsNothingOfIt_AndCannotReplyToIt()
    {
        var (parent, tasks) = await OnboardAsync();
        var laptop = tasks.Single(t => t.Title.StartsWith("Issue a laptop"));
        var erin = Org.ActorFor(Org.Requester);
        await Tickets.ReplyAsync(Org.ActorFor(Org.ItAgent), laptop.Id, "Which keyboard layout does she use?", isPublic: true, []);
        var open = await Assert.ThrowsAsync<DeskNotFoundException>(() => Reads.GetAsync(erin, laptop.Id));
        Assert.Contains($"your request {parent.Key}", open.Message);
        await Assert.ThrowsAsync<DeskNotFoundException>(() => Tickets.ReplyAsync(erin, laptop.Id, "German, please.", isPublic: true, []));
        await CompleteAsync(Org.ActorFor(Org.ItAgent), laptop.Id);
        await using var ctx = _db.NewContext();
        Assert.DoesNotContain(ctx.Notifications, n => n.UserId == Org.Requester.Id && n.TicketId == laptop.Id);
        Assert.DoesNotContain(ctx.TicketEvents, e => e.TicketId == laptop.Id && e.ActorId == Org.Requester.Id && e.Kind == TicketEventKind.Reply);
        // Her own request is still hers to read and answer.
        await Tickets.ReplyAsync(erin, parent.Id, "Her keyboard layout is German.", isPublic: true, []);
        Assert.Contains(ctx.TicketEvents, e => e.TicketId == parent.Id && e.ActorId == Org.Requester.Id && e.Kind == TicketEventKind.Reply);
    }

    [Fact]
    public async Task AFormWithoutItsRequiredFields_IsRefused_NamingThem_AndFilesNothing()
    {
        var onboarding = (await Catalog.ListAsync()).Single(i => i.Name == "Onboarding a new hire");
        var form = await Catalog.GetFormAsync(onboarding.Id);
        var ex = await Assert.ThrowsAsync<DeskValidationException>(() =>
            Catalog.RequestAsync(Org.ActorFor(Org.Requester), onboarding.Id, new Dictionary<int, string?>(), null));
        Assert.Contains(FieldRules.ErrorKey(form.Fields[0].Id), ex.Errors.Keys);
        Assert.Contains(FieldRules.ErrorKey(form.Fields[1].Id), ex.Errors.Keys);
        await using var ctx = _db.NewContext();
        Assert.False(await ctx.Tickets.AnyAsync());
    }

    [Fact]
    public async Task AnAdminsNewItem_FilesItsTasks_AndWhenSetSo_TellsTheAssigneeInsteadOfResolving()
    {
        var admin = _db.Get<CatalogAdmin>();
        var bad = await Assert.ThrowsAsync<DeskValidationException>(() => admin.SaveAsync(Admin, new CatalogItemInput(null, "Desk phone", null, Org.It.Id, true,
            false, [new CatalogTaskInput(Org.It.Id, "Order the phone", null, 2), new CatalogTaskInput(999, "", null, null)])));
        Assert.Contains("Tasks[0].WaitsForOrder", bad.Errors.Keys);
        Assert.Contains("Tasks[1].Title", bad.Errors.Keys);
        Assert.Contains("Tasks[1].DepartmentId", bad.Errors.Keys);
        await Assert.ThrowsAsync<DeskForbiddenException>(() => admin.SaveAsync(Org.ActorFor(Org.ItSupervisor),
            new CatalogItemInput(null, "Desk phone", null, Org.It.Id, true, false, [new CatalogTaskInput(Org.It.Id, "Order the phone", null, null)])));

        var id = await admin.SaveAsync(Admin, new CatalogItemInput(null, "Desk phone", "A phone on your desk.", Org.It.Id, true, false,
            [new CatalogTaskInput(Org.It.Id, "Order the phone", null, null), new CatalogTaskInput(Org.Hr.Id, "Add the number to the directory", null, 1)]));
        // Saving again replaces the template as a whole.
        var saved = await admin.GetAsync(Admin, id);
        await admin.SaveAsync(Admin, saved with { Tasks = [.. saved.Tasks, new CatalogTaskInput(Org.It.Id, "Test the line", null, 1)] });
        Assert.Equal(3, (await admin.GetAsync(Admin, id)).Tasks.Count);

        var request = await Catalog.RequestAsync(Org.ActorFor(Org.Requester), id, new Dictionary<int, string?>(), null);
        var tasks = await Catalog.TasksAsync(Admin, request.Id);
        Assert.Equal([TicketStatus.New, TicketStatus.Waiting, TicketStatus.Waiting], tasks.Select(t => t.Status));
        var ian = Org.ActorFor(Org.ItAgent);
        var parent = await Reads.GetAsync(ian, request.Id);
        await Tickets.UpdateAsync(ian, request.Id, parent.Version, TicketServiceTests.TicketEditModelFor(parent) with { AssigneeId = Org.ItAgent.Id });
        await CompleteAsync(ian, tasks[0].Id);
        await CompleteAsync(Org.ActorFor(Org.HrAgent), tasks[1].Id);
        await CompleteAsync(ian, tasks[2].Id);

        Assert.NotEqual(TicketStatus.Resolved, (await Reads.GetAsync(ian, request.Id)).Status);
        await using var ctx = _db.NewContext();
        Assert.Contains(ctx.Notifications, n => n.UserId == Org.ItAgent.Id && n.TicketId == request.Id && n.Text.Contains("Every task is done"));
    }

    private async Task<int> ParentOfAsync(int taskId)
    {
        await using var ctx = _db.NewContext();
        return (await ctx.Tickets.AsNoTracking().SingleAsync(t => t.Id == taskId)).ParentId!.Value;
    }
}
