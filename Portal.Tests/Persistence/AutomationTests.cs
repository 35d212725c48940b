using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Departments;
using Portal.Core.Escalations;
using Portal.Core.Routing;
using Portal.Core.Tickets;
using Portal.Tests.Support;
using Portal.Core.Handling;
using Portal.Core.Admin;
using Portal.Core.Sla;

namespace Portal.Tests.Persistence;

/// <summary>The four trigger kinds regulated desks rely on, end to end through the services, and team routing.</summary>
public class AutomationTests : IAsyncLifetime
{
    private TestDatabase _db = default!;
    private TestOrg Org => _db.Org;
    private AutomationService Rules => _db.Get<AutomationService>();
    private TicketCommands Tickets => _db.Get<TicketCommands>();
    private TicketFiling Filing => _db.Get<TicketFiling>();
    private TicketQueries Reads => _db.Get<TicketQueries>();
    private int _onCall, _senior, _security, _legal, _incident, _securityType;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        var admin = Org.ActorFor(Org.Admin);
        var departments = _db.Get<DepartmentAdminService>();
        _onCall = await departments.SaveTeamAsync(admin, new TeamInput(null, Org.It.Id, "On-call"));
        _senior = await departments.SaveTeamAsync(admin, new TeamInput(null, Org.It.Id, "Senior"));
        _security = await departments.SaveTeamAsync(admin, new TeamInput(null, Org.It.Id, "Security"));
        _legal = await departments.SaveTeamAsync(admin, new TeamInput(null, Org.Hr.Id, "Legal"));
        await using var ctx = _db.NewContext();
        foreach (var (team, user) in new[] { (_onCall, Org.ItAgent), (_onCall, Org.ItAgent2), (_senior, Org.ItAgent), (_senior, Org.ItAgent2), (_security, Org.ItSupervisor), (_legal, Org.HrAgent) })
            ctx.TeamMembers.Add(new TeamMember { TeamId = team, UserId = user.Id });
        foreach (var t in await ctx.Teams.Where(t => t.Id == _onCall || t.Id == _senior).ToListAsync())
            t.AssignmentMode = AssignmentMode.RoundRobin;
        await ctx.SaveChangesAsync();
        _incident = await ctx.TicketTypes.Where(t => t.Name == "Incident").Select(t => t.Id).FirstAsync();
        _securityType = await ctx.TicketTypes.Where(t => t.Name == "Security incident").Select(t => t.Id).FirstAsync();
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private Task<int> Rule(string name, RuleTrigger trigger, RuleConditions conditions, RuleActions actions, int order = 10) =>
        Rules.SaveAsync(Org.ActorFor(Org.Admin), new RuleInput(null, name, order, true, trigger, conditions, actions, false));

    private async Task<List<string>> NotifiedAsync(int ticketId)
    {
        await using var ctx = _db.NewContext();
        return await ctx.Notifications.Where(n => n.TicketId == ticketId).Select(n => n.UserId).ToListAsync();
    }

    [Fact]
    public async Task Priority_CriticalGoesStraightToOnCall_AndTellsThem()
    {
        await Rule("Critical to on-call", RuleTrigger.Created, new RuleConditions { Departments = [Org.It.Id], Priorities = [TicketPriority.Critical] },
            new RuleActions { AssignTeamId = _onCall, NotifyTeams = [_onCall] });
        var created = await Filing.CreateAsync(Org.ActorFor(Org.OtherRequester), TicketFactory.Laptop(Org) with { Priority = TicketPriority.Critical });
        var t = await Reads.GetAsync(Org.ActorFor(Org.ItAgent), created.Id);
        Assert.Equal("On-call", t.TeamName);
        Assert.NotNull(t.Assignee);
        Assert.Contains(t.Events, e => e.Kind == TicketEventKind.RuleApplied && e.Subject == "Critical to on-call");
        Assert.Equal(new[] { Org.ItAgent.Id, Org.ItAgent2.Id }.Order(), (await NotifiedAsync(created.Id)).Order());

        var normal = await Filing.CreateAsync(Org.ActorFor(Org.OtherRequester), TicketFactory.Laptop(Org));
        Assert.Null((await Reads.GetAsync(Org.ActorFor(Org.ItAgent), normal.Id)).TeamName);
    }

    [Fact]
    public async Task Notify_StaffWatchers_AndTheRequesterWithANeutralText()
    {
        await Rule("Tell everyone", RuleTrigger.AgentReplied, new RuleConditions { Departments = [Org.It.Id] },
            new RuleActions { Notify = new EscalationActions { NotifyWatchers = true, NotifyRequester = true } });
        var created = await Filing.CreateAsync(Org.ActorFor(Org.OtherRequester), TicketFactory.Laptop(Org));
        await Tickets.SetWatcherAsync(Org.ActorFor(Org.ItSupervisor), created.Id, Org.ItSupervisor.Id, true);
        await Tickets.SetWatcherAsync(Org.ActorFor(Org.ItSupervisor), created.Id, Org.Requester.Id, true);

        await Tickets.ReplyAsync(Org.ActorFor(Org.ItAgent), created.Id, "Looking at it", isPublic: false, []);
        Assert.Empty(await NotifiedAsync(created.Id)); // a note is no agent reply: the rule did not run
        await Tickets.ReplyAsync(Org.ActorFor(Org.ItAgent), created.Id, "On my way", isPublic: true, []);

        await using var ctx = _db.NewContext();
        var rows = await ctx.Notifications.Where(n => n.TicketId == created.Id).ToListAsync();
        // The staff watcher hears of the rule; the requester hears the neutral text (and of the public reply);
        // the non-staff watcher hears of the public reply only, never of the rule.
        Assert.Contains(rows, n => n.UserId == Org.ItSupervisor.Id && n.Text.Contains("rule Tell everyone", StringComparison.Ordinal));
        Assert.Contains(rows, n => n.UserId == Org.OtherRequester.Id && n.Text.EndsWith("Your request was updated", StringComparison.Ordinal));
        Assert.DoesNotContain(rows, n => n.UserId == Org.Requester.Id && n.Text.Contains("rule", StringComparison.Ordinal));
        Assert.DoesNotContain(rows, n => n.UserId == Org.OtherRequester.Id && n.Text.Contains("rule", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Account_VipRequestGoesToTheirAccountManager()
    {
        await Rule("VIP white glove", RuleTrigger.Created, new RuleConditions { RequesterTags = ["VIP"] },
            new RuleActions { AssignRequesterManager = true, Notify = new EscalationActions { NotifyAssignee = true } });
        var vip = await Filing.CreateAsync(Org.ActorFor(Org.Requester), TicketFactory.Laptop(Org));
        Assert.Equal("Sue Supervisor", (await Reads.GetAsync(Org.ActorFor(Org.ItAgent), vip.Id)).Assignee?.Name);
        Assert.Equal([Org.ItSupervisor.Id], await NotifiedAsync(vip.Id));
        var plain = await Filing.CreateAsync(Org.ActorFor(Org.OtherRequester), TicketFactory.Laptop(Org));
        Assert.Null((await Reads.GetAsync(Org.ActorFor(Org.ItAgent), plain.Id)).Assignee);
    }

    [Fact]
    public async Task IssueType_SecurityIncidentBringsInLegalAndSecurity()
    {
        await Rule("Security and compliance", RuleTrigger.Created, new RuleConditions { Types = [_securityType] },
            new RuleActions { AddTeamWatchers = [_security, _legal], NotifyTeams = [_security, _legal] });
        var created = await Filing.CreateAsync(Org.ActorFor(Org.OtherRequester), TicketFactory.Laptop(Org) with { TypeId = _securityType });
        var t = await Reads.GetAsync(Org.ActorFor(Org.ItAgent), created.Id);
        Assert.Equal(["Hal Agent", "Sue Supervisor"], t.Watchers.Select(w => w.Name));
        Assert.Equal(new[] { Org.HrAgent.Id, Org.ItSupervisor.Id }.Order(), (await NotifiedAsync(created.Id)).Order());
        // The HR legal watcher sees the request, as a watcher.
        Assert.False((await Reads.GetAsync(Org.ActorFor(Org.HrAgent), created.Id)).StaffView);
    }

    [Fact]
    public async Task Status_RequesterReplyingToResolvedReopensAndEscalatesToSenior()
    {
        await Rule("Reopened goes to senior", RuleTrigger.RequesterReplied, new RuleConditions { StatusFrom = [TicketStatus.Resolved] },
            new RuleActions { Reopen = true, AssignTeamId = _senior, EscalateToLevel = 1, Notify = new EscalationActions { NotifyAssignee = true } });
        var requester = Org.ActorFor(Org.OtherRequester);
        var agent = Org.ActorFor(Org.ItAgent);
        var created = await Filing.CreateAsync(requester, TicketFactory.Laptop(Org));
        var t = await Reads.GetAsync(agent, created.Id);
        await Tickets.UpdateAsync(agent, created.Id, t.Version, TicketServiceTests.TicketEditModelFor(t) with { Status = TicketStatus.Resolved });

        await Tickets.ReplyAsync(requester, created.Id, "It broke again", true, []);

        var after = await Reads.GetAsync(agent, created.Id);
        Assert.Equal(TicketStatus.Open, after.Status);
        Assert.Equal("Senior", after.TeamName);
        Assert.NotNull(after.Assignee);
        Assert.Equal(1, after.EscalationLevel);
        Assert.Contains(after.Events, e => e.Kind == TicketEventKind.Escalated);
        // A reply while the ticket is open does not fire it again.
        await Tickets.ReplyAsync(requester, created.Id, "Any news?", true, []);
        Assert.Single((await Reads.GetAsync(agent, created.Id)).Events, e => e.Kind == TicketEventKind.RuleApplied);
    }

    [Fact]
    public async Task RoundRobin_TakesTurns_AndSkipsAwayAgents()
    {
        await Rule("All to on-call", RuleTrigger.Created, new RuleConditions { Departments = [Org.It.Id] }, new RuleActions { AssignTeamId = _onCall });
        var names = new List<string?>();
        for (var i = 0; i < 4; i++)
            names.Add((await Reads.GetAsync(Org.ActorFor(Org.ItAgent), (await Filing.CreateAsync(Org.ActorFor(Org.OtherRequester), TicketFactory.Laptop(Org))).Id)).Assignee?.Name);
        Assert.Equal(2, names.Distinct().Count());
        Assert.NotEqual(names[0], names[1]);
        Assert.Equal(names[0], names[2]);

        await using (var ctx = _db.NewContext())
        {
            (await ctx.Users.SingleAsync(u => u.Id == Org.ItAgent2.Id)).IsAway = true;
            await ctx.SaveChangesAsync();
        }

        for (var i = 0; i < 2; i++)
        {
            var id = (await Filing.CreateAsync(Org.ActorFor(Org.OtherRequester), TicketFactory.Laptop(Org))).Id;
            Assert.Equal("Ian Agent", (await Reads.GetAsync(Org.ActorFor(Org.ItAgent), id)).Assignee?.Name);
        }
    }

    [Fact]
    public async Task LeastOpen_GivesTheTicketToWhoeverHasFewest()
    {
        await using (var ctx = _db.NewContext())
        {
            (await ctx.Teams.SingleAsync(t => t.Id == _onCall)).AssignmentMode = AssignmentMode.LeastOpen;
            await ctx.SaveChangesAsync();
        }

        // Ian already has two open tickets.
        for (var i = 0; i < 2; i++)
        {
            var id = (await Filing.CreateAsync(Org.ActorFor(Org.OtherRequester), TicketFactory.Laptop(Org))).Id;
            await Tickets.AssignToMeAsync(Org.ActorFor(Org.ItAgent), id, (await Reads.GetAsync(Org.ActorFor(Org.ItAgent), id)).Version);
        }

        await Rule("All to on-call", RuleTrigger.Created, new RuleConditions { Departments = [Org.It.Id] }, new RuleActions { AssignTeamId = _onCall });
        var created = await Filing.CreateAsync(Org.ActorFor(Org.OtherRequester), TicketFactory.Laptop(Org));
        Assert.Equal("Ida Agent", (await Reads.GetAsync(Org.ActorFor(Org.ItAgent), created.Id)).Assignee?.Name);
    }

    [Fact]
    public async Task StopProcessing_LeavesLaterRulesOut()
    {
        await Rules.SaveAsync(Org.ActorFor(Org.Admin), new RuleInput(null, "First", 1, true, RuleTrigger.Created, new RuleConditions(),
            new RuleActions { SetPriority = TicketPriority.High }, true));
        await Rule("Second", RuleTrigger.Created, new RuleConditions(), new RuleActions { SetPriority = TicketPriority.Critical }, order: 2);
        var created = await Filing.CreateAsync(Org.ActorFor(Org.OtherRequester), TicketFactory.Laptop(Org));
        Assert.Equal(TicketPriority.High, (await Reads.GetAsync(Org.ActorFor(Org.ItAgent), created.Id)).Priority);
    }

    [Fact]
    public async Task RuleThatDoesNothing_IsRefused()
    {
        var ex = await Assert.ThrowsAsync<DeskValidationException>(() => Rule("Idle", RuleTrigger.Created, new RuleConditions(), new RuleActions()));
        Assert.Contains("does nothing", ex.Errors["Actions"]);
    }

    [Fact]
    public async Task DryRun_ListsOpenTicketsMatchingNow()
    {
        var critical = await Filing.CreateAsync(Org.ActorFor(Org.OtherRequester), TicketFactory.Laptop(Org) with { Priority = TicketPriority.Critical });
        await Filing.CreateAsync(Org.ActorFor(Org.OtherRequester), TicketFactory.Laptop(Org));
        var id = await Rule("Critical", RuleTrigger.Created, new RuleConditions { Priorities = [TicketPriority.Critical] }, new RuleActions { AssignTeamId = _onCall });
        var matches = await Rules.DryRunAsync(Org.ActorFor(Org.Admin), id);
        Assert.Equal(critical.Id, Assert.Single(matches).Id);
    }
}
