using Microsoft.EntityFrameworkCore;
using Portal.Core.Approvals;
using Portal.Core.Common;
using Portal.Core.Handling;
using Portal.Core.Sla;
using Portal.Core.Tickets;
using Portal.Tests.Support;

namespace Portal.Tests.Persistence;

/// <summary>Approvals: planned at filing from the category's steps, decided in order, with their quorum, by who may still decide.</summary>
public class ApprovalTests : IAsyncLifetime
{
    private TestDatabase _db = default!;
    private TestOrg Org => _db.Org;
    private ApprovalService Approvals => _db.Get<ApprovalService>();

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        // Erin (the requester) reports to Sue (IT's supervisor); Sue reports to the admin.
        await _db.SetReportingLineAsync();
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private async Task StepAsync(string name, ApproverKind kind, int order = 1, ApprovalQuorum quorum = ApprovalQuorum.One, int count = 1,
        string? personId = null, int? teamId = null, ApprovalCondition? condition = null)
    {
        await using var db = _db.NewContext();
        db.ApprovalSteps.Add(new ApprovalStep
        {
            CategoryId = Org.Laptop.Id, Order = order, Name = name, Approver = kind, Quorum = quorum, QuorumCount = count, PersonId = personId,
            TeamId = teamId, Condition = condition?.ToJson() ?? "",
        });
        await _db.Get<Portal.Core.Operations.ConfigurationVersion>().SaveEditAsync(db);
    }

    private async Task<Ticket> TicketAsync(int id)
    {
        await using var db = _db.NewContext();
        return await db.Tickets.AsNoTracking().Include(t => t.Events).SingleAsync(t => t.Id == id);
    }

    private Task<CreatedTicket> FileAsync(string? affected = null)
    {
        var input = TicketFactory.Laptop(Org);
        if (affected is not null)
            input = input with { Fields = new Dictionary<int, string?>(input.Fields) { [Org.Affected.Id] = affected } };
        return TicketFactory.FileAsync(_db, Org.ActorFor(Org.Requester), input);
    }

    [Fact]
    public async Task ARequestThatNeedsTheManagersYes_WaitsWithItsClocksPaused_AndStartsWhenApproved()
    {
        await StepAsync("Manager", ApproverKind.RequesterManager);
        var created = await FileAsync();

        var ticket = await TicketAsync(created.Id);
        Assert.Equal(TicketStatus.AwaitingApproval, ticket.Status);
        await using (var db = _db.NewContext())
            Assert.Equal([SlaState.Paused, SlaState.Paused], await db.TicketSlaStates
                .Where(s => s.TicketId == created.Id && (s.Metric == SlaMetric.FirstResponse || s.Metric == SlaMetric.Resolution)).Select(s => s.State).ToListAsync());
        var mine = Assert.Single(await Approvals.MineAsync(Org.ActorFor(Org.ItSupervisor)));
        Assert.Equal((created.Key, "Manager"), (mine.Key, mine.StepName));
        Assert.Empty(await Approvals.MineAsync(Org.ActorFor(Org.ItAgent)));

        var decision = await Approvals.DecideAsync(Org.ActorFor(Org.ItSupervisor), mine.ApprovalId, approve: true, reason: null);
        Assert.Equal((ApprovalState.Approved, TicketStatus.New, (string?)null), (decision.StepState, decision.TicketStatus, decision.NextStep));
        ticket = await TicketAsync(created.Id);
        Assert.Equal(TicketStatus.New, ticket.Status);
        Assert.Contains(ticket.Events, e => e.Kind == TicketEventKind.ApprovalDecided && e.NewValue == "Approved" && e.ActorId == Org.ItSupervisor.Id);
        await using (var db = _db.NewContext())
        {
            Assert.Contains(await db.TicketSlaStates.Where(s => s.TicketId == created.Id).ToListAsync(), s => s.State == SlaState.Running);
            Assert.True(await db.AuditEntries.AnyAsync(a => a.Action == "ticket.approvaldecided" && a.TicketId == created.Id && a.ActorId == Org.ItSupervisor.Id));
        }

        var steps = await Approvals.StepsAsync(Org.ActorFor(Org.Requester), created.Id);
        var approver = Assert.Single(Assert.Single(steps).Approvers);
        Assert.Equal((Org.ItSupervisor.DisplayName, (bool?)true), (approver.Name, approver.Approved));
    }

    [Fact]
    public async Task APolicyThatKeepsCounting_RunsItsClocksWhileTheRequestAwaitsApproval()
    {
        await StepAsync("Manager", ApproverKind.RequesterManager);
        var admin = Org.ActorFor(Org.Admin);
        var sla = _db.Get<SlaAdminService>();
        await using (var db = _db.NewContext())
            foreach (var id in await db.SlaPolicies.Select(p => p.Id).ToListAsync())
                await sla.SavePolicyAsync(admin, await sla.GetPolicyAsync(admin, id) with { CountsAwaitingApproval = true });
        Assert.True((await sla.GetPolicyAsync(admin, 1)).CountsAwaitingApproval);

        var created = await FileAsync();
        Assert.Equal(TicketStatus.AwaitingApproval, (await TicketAsync(created.Id)).Status);
        await using var check = _db.NewContext();
        Assert.Contains(await check.TicketSlaStates.Where(s => s.TicketId == created.Id).Select(s => s.State).ToListAsync(), s => s == SlaState.Running);
    }

    [Fact]
    public async Task Steps_RunInOrder_TheNextAskedOnlyOnceTheOneBeforeIsApproved()
    {
        await StepAsync("Manager", ApproverKind.RequesterManager, order: 1);
        await StepAsync("Data owner", ApproverKind.Person, order: 2, personId: Org.HrAgent.Id);
        var created = await FileAsync();
        Assert.Empty(await Approvals.MineAsync(Org.ActorFor(Org.HrAgent)));

        var first = Assert.Single(await Approvals.MineAsync(Org.ActorFor(Org.ItSupervisor)));
        var decision = await Approvals.DecideAsync(Org.ActorFor(Org.ItSupervisor), first.ApprovalId, true, null);
        Assert.Equal((TicketStatus.AwaitingApproval, "Data owner"), (decision.TicketStatus, decision.NextStep));

        var second = Assert.Single(await Approvals.MineAsync(Org.ActorFor(Org.HrAgent)));
        Assert.Equal("Data owner", second.StepName);
        await Approvals.DecideAsync(Org.ActorFor(Org.HrAgent), second.ApprovalId, true, "Fine by me");
        Assert.Equal(TicketStatus.New, (await TicketAsync(created.Id)).Status);
    }

    [Fact]
    public async Task ARejection_NeedsAReason_ClosesTheRequest_AndTellsTheRequesterWhy()
    {
        await StepAsync("Manager", ApproverKind.RequesterManager);
        var created = await FileAsync();
        var pending = Assert.Single(await Approvals.MineAsync(Org.ActorFor(Org.ItSupervisor)));

        var refused = await Assert.ThrowsAsync<DeskValidationException>(() =>
            Approvals.DecideAsync(Org.ActorFor(Org.ItSupervisor), pending.ApprovalId, approve: false, reason: "  "));
        Assert.Equal("Reason is required.", refused.Errors["Reason"]);

        var decision = await Approvals.DecideAsync(Org.ActorFor(Org.ItSupervisor), pending.ApprovalId, false, "Over this year's budget");
        Assert.Equal((ApprovalState.Rejected, TicketStatus.Closed), (decision.StepState, decision.TicketStatus));
        var ticket = await TicketAsync(created.Id);
        Assert.Contains(ticket.Events, e => e.Kind == TicketEventKind.StatusChanged && e.NewStatus == TicketStatus.Closed
            && e.Body!.Contains("Over this year's budget", StringComparison.Ordinal));
        await using var db = _db.NewContext();
        Assert.True(await db.Notifications.AnyAsync(n => n.UserId == Org.Requester.Id && n.TicketId == created.Id && n.Text.Contains("Over this year's budget")));
    }

    [Fact]
    public async Task TheRequester_ASomeoneElse_AndADecidedApprover_CannotDecide()
    {
        await StepAsync("Service desk", ApproverKind.Team, quorum: ApprovalQuorum.All, teamId: Org.ServiceDesk.Id);
        await using (var db = _db.NewContext())
        {
            db.TeamMembers.Add(new Portal.Core.Departments.TeamMember { TeamId = Org.ServiceDesk.Id, UserId = Org.Requester.Id });
            db.TeamMembers.Add(new Portal.Core.Departments.TeamMember { TeamId = Org.ServiceDesk.Id, UserId = Org.ItAgent2.Id });
            await db.SaveChangesAsync();
        }

        await FileAsync();
        var pending = Assert.Single(await Approvals.MineAsync(Org.ActorFor(Org.ItAgent)));
        // Erin is in the team but filed the request: she is not asked, and may not decide.
        Assert.Empty(await Approvals.MineAsync(Org.ActorFor(Org.Requester)));
        await Assert.ThrowsAsync<DeskForbiddenException>(() => Approvals.DecideAsync(Org.ActorFor(Org.Requester), pending.ApprovalId, true, null));
        await Assert.ThrowsAsync<DeskForbiddenException>(() => Approvals.DecideAsync(Org.ActorFor(Org.HrAgent), pending.ApprovalId, true, null));

        var decision = await Approvals.DecideAsync(Org.ActorFor(Org.ItAgent), pending.ApprovalId, true, null);
        Assert.Equal(ApprovalState.Pending, decision.StepState); // all of them: one more to go
        var twice = await Assert.ThrowsAsync<DeskConflictException>(() => Approvals.DecideAsync(Org.ActorFor(Org.ItAgent), pending.ApprovalId, true, null));
        Assert.Contains("already decided", twice.Message);
        Assert.Equal(ApprovalState.Approved, (await Approvals.DecideAsync(Org.ActorFor(Org.ItAgent2), pending.ApprovalId, true, null)).StepState);
    }

    [Fact]
    public async Task AnApproverWhoLeftTheTeam_CannotDecide_AndNoLongerCounts()
    {
        await StepAsync("Service desk", ApproverKind.Team, quorum: ApprovalQuorum.All, teamId: Org.ServiceDesk.Id);
        await using (var db = _db.NewContext())
        {
            db.TeamMembers.Add(new Portal.Core.Departments.TeamMember { TeamId = Org.ServiceDesk.Id, UserId = Org.ItAgent2.Id });
            await db.SaveChangesAsync();
        }

        await FileAsync();
        var pending = Assert.Single(await Approvals.MineAsync(Org.ActorFor(Org.ItAgent2)));
        await using (var db = _db.NewContext())
            await db.TeamMembers.Where(m => m.TeamId == Org.ServiceDesk.Id && m.UserId == Org.ItAgent2.Id).ExecuteDeleteAsync();

        await Assert.ThrowsAsync<DeskForbiddenException>(() => Approvals.DecideAsync(Org.ActorFor(Org.ItAgent2), pending.ApprovalId, true, null));
        // "All of them" is now everyone still in the team: the one yes left is enough.
        Assert.Equal(ApprovalState.Approved, (await Approvals.DecideAsync(Org.ActorFor(Org.ItAgent), pending.ApprovalId, true, null)).StepState);
    }

    [Fact]
    public async Task AnApproverDeactivatedInBetween_CannotDecide_AndTheStepFallsToTheDepartmentHead_ForTheNextRequest()
    {
        await StepAsync("Manager", ApproverKind.RequesterManager);
        await FileAsync();
        var pending = Assert.Single(await Approvals.MineAsync(Org.ActorFor(Org.ItSupervisor)));
        await using (var db = _db.NewContext())
        {
            await db.Users.Where(u => u.Id == Org.ItSupervisor.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.IsActive, false));
            await db.Departments.Where(d => d.Id == Org.It.Id).ExecuteUpdateAsync(s => s.SetProperty(d => d.HeadUserId, Org.Admin.Id));
        }

        await Assert.ThrowsAsync<DeskForbiddenException>(() => Approvals.DecideAsync(Org.ActorFor(Org.ItSupervisor), pending.ApprovalId, true, null));
        // A request filed now, with its requester's manager gone, asks the department's head instead.
        var next = await FileAsync();
        Assert.Equal(next.Key, Assert.Single(await Approvals.MineAsync(Org.ActorFor(Org.Admin))).Key);
    }

    [Fact]
    public async Task AStepTheAdminAdds_OrRemoves_CountsForTheNextRequestAtOnce()
    {
        Assert.Equal(TicketStatus.New, (await TicketAsync((await FileAsync()).Id)).Status);
        var admin = _db.Get<ApprovalAdminService>();
        var stepId = await admin.SaveStepAsync(Org.ActorFor(Org.Admin),
            new ApprovalStepInput(null, Org.Laptop.Id, 1, "Manager", ApproverKind.RequesterManager, null, null, null, ApprovalQuorum.One, 1, new()));
        Assert.Equal(TicketStatus.AwaitingApproval, (await TicketAsync((await FileAsync()).Id)).Status);
        await admin.RemoveStepAsync(Org.ActorFor(Org.Admin), stepId);
        Assert.Equal(TicketStatus.New, (await TicketAsync((await FileAsync()).Id)).Status);
    }

    [Fact]
    public async Task TwoOfATeamOfThree_MustApprove_OneYesLeavesItWaiting_AndTwoNosRejectIt()
    {
        await StepAsync("Two of the service desk", ApproverKind.Team, quorum: ApprovalQuorum.Count, count: 2, teamId: Org.ServiceDesk.Id);
        await using (var db = _db.NewContext())
        {
            db.TeamMembers.Add(new Portal.Core.Departments.TeamMember { TeamId = Org.ServiceDesk.Id, UserId = Org.ItAgent2.Id });
            db.TeamMembers.Add(new Portal.Core.Departments.TeamMember { TeamId = Org.ServiceDesk.Id, UserId = Org.ItSupervisor.Id });
            await db.SaveChangesAsync();
        }

        var approved = await FileAsync();
        var first = (await Approvals.MineAsync(Org.ActorFor(Org.ItAgent))).Single(p => p.TicketId == approved.Id);
        Assert.Equal(ApprovalState.Pending, (await Approvals.DecideAsync(Org.ActorFor(Org.ItAgent), first.ApprovalId, true, null)).StepState);
        Assert.Equal(ApprovalState.Approved, (await Approvals.DecideAsync(Org.ActorFor(Org.ItAgent2), first.ApprovalId, true, null)).StepState);
        Assert.Equal(TicketStatus.New, (await TicketAsync(approved.Id)).Status);

        // With three asked and two needed, two noes leave too few who could still say yes.
        var rejected = await FileAsync();
        var second = (await Approvals.MineAsync(Org.ActorFor(Org.ItAgent))).Single(p => p.TicketId == rejected.Id);
        Assert.Equal(ApprovalState.Pending, (await Approvals.DecideAsync(Org.ActorFor(Org.ItAgent), second.ApprovalId, false, "No budget")).StepState);
        Assert.Equal(ApprovalState.Rejected, (await Approvals.DecideAsync(Org.ActorFor(Org.ItSupervisor), second.ApprovalId, false, "Agreed")).StepState);
        Assert.Equal(TicketStatus.Closed, (await TicketAsync(rejected.Id)).Status);
    }

    [Fact]
    public async Task ADepartmentsSupervisors_Approve_AndTheManagersManager_IsAskedForThatKind()
    {
        await using (var db = _db.NewContext())
        {
            db.ApprovalSteps.Add(new ApprovalStep
            {
                CategoryId = Org.Laptop.Id, Order = 1, Name = "IT supervisors", Approver = ApproverKind.DepartmentSupervisors, DepartmentId = Org.It.Id,
            });
            db.ApprovalSteps.Add(new ApprovalStep { CategoryId = Org.Laptop.Id, Order = 2, Name = "Manager's manager", Approver = ApproverKind.ManagersManager });
            await _db.Get<Portal.Core.Operations.ConfigurationVersion>().SaveEditAsync(db);
        }

        var created = await FileAsync();
        Assert.Empty(await Approvals.MineAsync(Org.ActorFor(Org.ItAgent)));
        var first = Assert.Single(await Approvals.MineAsync(Org.ActorFor(Org.ItSupervisor)));
        Assert.Equal("IT supervisors", first.StepName);
        var decision = await Approvals.DecideAsync(Org.ActorFor(Org.ItSupervisor), first.ApprovalId, true, null);
        Assert.Equal("Manager's manager", decision.NextStep);
        // Erin's manager is Sue, whose manager is the admin.
        var second = Assert.Single(await Approvals.MineAsync(Org.ActorFor(Org.Admin)));
        await Approvals.DecideAsync(Org.ActorFor(Org.Admin), second.ApprovalId, true, null);
        Assert.Equal(TicketStatus.New, (await TicketAsync(created.Id)).Status);
    }

    [Fact]
    public async Task TwoApproversDecidingAtTheSameMoment_GiveExactlyOneOutcome()
    {
        await StepAsync("Service desk", ApproverKind.Team, quorum: ApprovalQuorum.One, teamId: Org.ServiceDesk.Id);
        await using (var db = _db.NewContext())
        {
            db.TeamMembers.Add(new Portal.Core.Departments.TeamMember { TeamId = Org.ServiceDesk.Id, UserId = Org.ItAgent2.Id });
            await db.SaveChangesAsync();
        }

        var created = await FileAsync();
        var pending = Assert.Single(await Approvals.MineAsync(Org.ActorFor(Org.ItAgent)));
        var attempts = await Task.WhenAll(
            Task.Run(() => Outcome(Approvals.DecideAsync(Org.ActorFor(Org.ItAgent), pending.ApprovalId, true, null))),
            Task.Run(() => Outcome(Approvals.DecideAsync(Org.ActorFor(Org.ItAgent2), pending.ApprovalId, false, "No"))));

        Assert.Single(attempts, a => a == "decided");
        Assert.Single(attempts, a => a == "conflict");
        var ticket = await TicketAsync(created.Id);
        Assert.Single(ticket.Events, e => e.Kind == TicketEventKind.ApprovalDecided);
        Assert.Contains(ticket.Status, new[] { TicketStatus.New, TicketStatus.Closed });

        static async Task<string> Outcome(Task<ApprovalDecision> decide)
        {
            try
            {
                await decide;
                return "decided";
            }
            catch (DeskConflictException)
            {
                return "conflict";
            }
        }
    }

    [Fact]
    public async Task AStepWithACondition_AppliesOnlyWhenItHolds()
    {
        await StepAsync("Manager's manager", ApproverKind.ManagersManager,
            condition: new ApprovalCondition { AmountFieldId = Org.Affected.Id, AmountAbove = 1500 });
        var small = await FileAsync(affected: "1200");
        Assert.Equal(TicketStatus.New, (await TicketAsync(small.Id)).Status);

        var large = await FileAsync(affected: "2000");
        Assert.Equal(TicketStatus.AwaitingApproval, (await TicketAsync(large.Id)).Status);
        var pending = Assert.Single(await Approvals.MineAsync(Org.ActorFor(Org.Admin)));
        Assert.Equal(large.Key, pending.Key);
    }

    [Fact]
    public async Task ACatalogRequestsTasks_AreHeldUntilItIsApproved()
    {
        var onboardingCategory = await OnboardingCategoryAsync();
        await using (var db = _db.NewContext())
        {
            db.ApprovalSteps.Add(new ApprovalStep { CategoryId = onboardingCategory, Order = 1, Name = "Department head", Approver = ApproverKind.DepartmentHead });
            await db.Departments.Where(d => d.Id == Org.Hr.Id).ExecuteUpdateAsync(s => s.SetProperty(d => d.HeadUserId, Org.HrAgent.Id));
            await _db.Get<Portal.Core.Operations.ConfigurationVersion>().SaveEditAsync(db);
        }

        var created = await TicketFactory.OnboardingAsync(_db, Org.ActorFor(Org.Requester));
        await using (var db = _db.NewContext())
            Assert.All(await db.Tickets.Where(t => t.ParentId == created.Id).ToListAsync(), t => Assert.Equal(TicketStatus.Waiting, t.Status));

        var pending = Assert.Single(await Approvals.MineAsync(Org.ActorFor(Org.HrAgent)));
        await Approvals.DecideAsync(Org.ActorFor(Org.HrAgent), pending.ApprovalId, true, null);
        await using (var db = _db.NewContext())
        {
            var tasks = await db.Tickets.Where(t => t.ParentId == created.Id).ToListAsync();
            // The first tasks start; the ones that wait for another task keep waiting for it.
            Assert.Contains(tasks, t => t.Status == TicketStatus.New);
            Assert.All(tasks.Where(t => t.Status == TicketStatus.Waiting), t => Assert.NotNull(t.WaitsForId));
        }
    }

    [Fact]
    public async Task Subscriptions_HearOfEachStepAsked_AndEachDecision()
    {
        await StepAsync("Manager", ApproverKind.RequesterManager);
        var hook = (await _db.Get<Portal.Core.Admin.WebhookAdminService>().CreateAsync(Org.ActorFor(Org.Admin),
            new Portal.Core.Admin.WebhookInput("Approvals feed", "https://grc.example.org/hook",
                [Portal.Core.Notifications.WebhookEvents.ApprovalRequested, Portal.Core.Notifications.WebhookEvents.ApprovalDecided], null))).Id;
        var created = await FileAsync();
        var pending = Assert.Single(await Approvals.MineAsync(Org.ActorFor(Org.ItSupervisor)));
        await Approvals.DecideAsync(Org.ActorFor(Org.ItSupervisor), pending.ApprovalId, true, null);

        await using var db = _db.NewContext();
        var target = Portal.Core.Notifications.WebhookOutbox.Target(hook);
        var events = await db.OutboxMessages.Where(m => m.Target == target).OrderBy(m => m.Id).Select(m => new { m.Subject, m.TicketId, m.Body }).ToListAsync();
        Assert.Equal(["approval.requested", "approval.decided"], events.Select(e => e.Subject));
        Assert.All(events, e => Assert.Equal(created.Id, e.TicketId));
        var decided = Portal.Core.Notifications.WebhookEnvelope.Read(events[1].Body);
        Assert.Contains(decided.Changes!, c => c!["kind"]!.GetValue<string>() == "ApprovalDecided" && c["newValue"]!.GetValue<string>() == "Approved");
    }

    [Fact]
    public async Task WhileAnApproverIsAway_TheirDelegateDecides_RecordedAsDecidingForThem()
    {
        await StepAsync("Manager", ApproverKind.RequesterManager);
        var today = DateOnly.FromDateTime(_db.Clock.GetUtcNow().UtcDateTime);
        var sue = Org.ActorFor(Org.ItSupervisor);
        var refused = await Assert.ThrowsAsync<DeskValidationException>(() => Approvals.DelegateAsync(sue, Org.ItSupervisor.Email, today, today.AddDays(-1)));
        Assert.Equal(["Delegate", "To"], refused.Errors.Keys.Order());
        // From tomorrow: not yet.
        var later = await Approvals.DelegateAsync(sue, Org.ItAgent2.Email, today.AddDays(1), today.AddDays(3));
        var created = await FileAsync();
        var pending = Assert.Single(await Approvals.MineAsync(sue));
        Assert.Empty(await Approvals.MineAsync(Org.ActorFor(Org.ItAgent2)));
        await Assert.ThrowsAsync<DeskForbiddenException>(() => Approvals.DecideAsync(Org.ActorFor(Org.ItAgent2), pending.ApprovalId, true, null));

        await Approvals.EndDelegationAsync(sue, later);
        await Approvals.DelegateAsync(sue, Org.ItAgent2.Email, today, today.AddDays(2));
        var theirs = Assert.Single(await Approvals.MineAsync(Org.ActorFor(Org.ItAgent2)));
        Assert.Equal(Org.ItSupervisor.DisplayName, theirs.OnBehalfOf);
        await Approvals.DecideAsync(Org.ActorFor(Org.ItAgent2), theirs.ApprovalId, true, "Sue said yes before leaving");

        await using var db = _db.NewContext();
        var decided = await db.TicketApprovers.SingleAsync(a => a.ApprovalId == theirs.ApprovalId);
        Assert.Equal((Org.ItSupervisor.Id, Org.ItAgent2.Id, (bool?)true), (decided.UserId, decided.DecidedById, decided.Approved));
        var ticket = await TicketAsync(created.Id);
        Assert.Equal(TicketStatus.New, ticket.Status);
        Assert.Contains(ticket.Events, e => e.Kind == TicketEventKind.ApprovalDecided && e.ActorId == Org.ItAgent2.Id
            && e.Subject == $"Manager (for {Org.ItSupervisor.DisplayName})");
        Assert.True(await db.AuditEntries.AnyAsync(a => a.EntityType == "approval-delegation" && a.ActorId == Org.ItSupervisor.Id));
    }

    private async Task<int> OnboardingCategoryAsync()
    {
        await using var db = _db.NewContext();
        return await db.CatalogItems.Where(i => i.Name == "Onboarding a new hire").Select(i => i.CategoryId).SingleAsync();
    }
}
