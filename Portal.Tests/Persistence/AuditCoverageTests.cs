using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Portal.Core.Assets;
using Portal.Core.Audit;
using Portal.Core.Common;
using Portal.Core.Routing;
using Portal.Core.Security;
using Portal.Core.Sla;
using Portal.Core.Tickets;
using Portal.Core.Users;
using Portal.Tests.Support;
using Portal.Core.Handling;

namespace Portal.Tests.Persistence;

/// <summary>
/// Every kind of action reaches the audit trail with who, when, what and the values before and after; admins and
/// auditors search it and export it, and an export re-verifies without the desk.
/// </summary>
public class AuditCoverageTests : IAsyncLifetime
{
    private TestDatabase _db = default!;
    private TestOrg Org => _db.Org;
    private Actor Admin => Org.ActorFor(Org.Admin);
    private AuditService Audit => _db.Get<AuditService>();

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private Task<List<AuditEntry>> TrailAsync() => AuditFile.EntriesAsync(_db);

    [Fact]
    public async Task AdminChanges_ToPoliciesUsersAndRoles_AreRecorded_WithBeforeAndAfter_AndNeverASecret()
    {
        var sla = _db.Get<SlaAdminService>();
        var policyId = (await sla.ListAsync(Admin)).Policies.Single(p => p.Name == "Standard").Id;
        var policy = await sla.GetPolicyAsync(Admin, policyId);
        await sla.SavePolicyAsync(Admin, policy with { Name = "Standard (audited)" });

        var users = _db.Get<UserAdminService>();
        var ida = await users.GetAsync(Admin, Org.ItAgent2.Id);
        await users.SaveAsync(Admin, ida with { Roles = DeskRole.Agent | DeskRole.Supervisor });

        var trail = await TrailAsync();
        var renamed = trail.Single(e => e.Action == "sla-policy.changed");
        Assert.Equal((AuditActorKind.User, Org.Admin.Id, policyId.ToString()), (renamed.ActorKind, renamed.ActorId, renamed.EntityId));
        Assert.Contains("\"Name\":\"Standard\"", renamed.Before);
        Assert.Contains("\"Name\":\"Standard (audited)\"", renamed.After);
        var promoted = trail.Single(e => e.Action == "user.changed" && e.EntityId == Org.ItAgent2.Id);
        Assert.Contains("\"Roles\":\"Agent\"", promoted.Before);
        Assert.Contains("\"Roles\":\"Agent, Supervisor\"", promoted.After);
        Assert.Equal("portal", promoted.Source);
        Assert.DoesNotContain(trail, e => (e.Before + e.After).Contains("PasswordHash") || (e.Before + e.After).Contains("SecurityStamp"));
        Assert.True((await Audit.VerifyAsync()).Holds);
    }

    [Fact]
    public async Task AssetRecords_InAppNotifications_RuleActions_AndSlaRecalculations_AreRecorded()
    {
        var agent = Org.ActorFor(Org.ItAgent);
        var laptopType = (await _db.Get<AssetService>().ListTypesAsync()).First(t => t.Name == "Laptop").Id;
        var assetId = await _db.Get<AssetService>().CreateAsync(agent, new AssetInput("LT-9001", "ThinkPad", laptopType, Org.It.Id));
        await _db.Get<AutomationService>().SaveAsync(Admin, new RuleInput(null, "Urgent words", 1, true, RuleTrigger.Created,
            new RuleConditions { TextContains = "urgent" }, new RuleActions { SetPriority = TicketPriority.High }, false));

        var created = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.Requester), TicketFactory.Laptop(Org, "Urgent: laptop dead"));
        var sue = Org.ActorFor(Org.ItSupervisor);
        var t = await _db.Get<TicketQueries>().GetAsync(sue, created.Id);
        await _db.Get<TicketCommands>().UpdateAsync(sue, created.Id, t.Version, TicketServiceTests.TicketEditModelFor(t) with
        {
            AssigneeId = Org.ItAgent.Id, Priority = TicketPriority.Critical,
        });

        await _db.Get<AssetService>().LinkAsync(agent, created.Id, assetId);

        var trail = await TrailAsync();
        Assert.Contains(trail, e => e.Action == "rule.created" && e.ActorId == Org.Admin.Id && e.After!.Contains("Urgent words"));
        Assert.Contains(trail, e => e.Action == "ticket.assetlinked" && e.TicketId == created.Id && e.ActorId == Org.ItAgent.Id);
        var asset = trail.Single(e => e.Action == "asset.created");
        Assert.Equal((Org.ItAgent.Id, assetId.ToString()), (asset.ActorId, asset.EntityId));
        Assert.Contains("LT-9001", asset.After);
        var rule = trail.Single(e => e.Action == "ticket.ruleapplied");
        Assert.Equal((AuditActorKind.Rule, "Urgent words", created.Id), (rule.ActorKind, rule.ActorId, rule.TicketId));
        var told = trail.Single(e => e.Action == "notification.sent" && e.EntityType == "notification" && e.After!.Contains(Org.ItAgent.Id));
        Assert.Equal((Org.ItSupervisor.Id, created.Id), (told.ActorId, told.TicketId));
        // The critical priority shortened the promise: the recalculation is recorded with the due instants before and after.
        var recalculated = trail.Where(e => e.Action == "sla.recalculated" && e.TicketId == created.Id && e.ActorId == Org.ItSupervisor.Id).ToList();
        Assert.NotEmpty(recalculated);
        Assert.Contains(recalculated, e => e.Before!.Contains("DueAt") && e.After!.Contains("DueAt"));
        Assert.Contains(trail, e => e.Action == "sla.started" && e.TicketId == created.Id);
    }

    [Fact]
    public async Task Search_FindsByTicketPersonActionAndDay_ForAdminsAndAuditors_Only()
    {
        var first = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.Requester), TicketFactory.Laptop(Org, "First"));
        await TicketFactory.FileAsync(_db, Org.ActorFor(Org.OtherRequester), TicketFactory.Laptop(Org, "Second"));
        await _db.Get<TicketCommands>().ReplyAsync(Org.ActorFor(Org.ItAgent), first.Id, "On it", isPublic: true, []);
        var auditor = await _db.AuditorAsync();

        var byTicket = await Audit.SearchAsync(auditor, new AuditQuery(Ticket: first.Key));
        Assert.NotEmpty(byTicket.Items);
        Assert.All(byTicket.Items, r => Assert.Equal((first.Id, first.Key), (r.Entry.TicketId!.Value, r.TicketKey!)));
        var byPerson = await Audit.SearchAsync(auditor, new AuditQuery(User: "ian agent"));
        Assert.Contains(byPerson.Items, r => r.Entry.Action == "ticket.reply" && r.ActorName == "Ian Agent");
        Assert.All(byPerson.Items, r => Assert.True(r.Entry.ActorId == Org.ItAgent.Id || r.Entry.EntityId == Org.ItAgent.Id));
        var replies = await Audit.SearchAsync(auditor, new AuditQuery(Action: "ticket.reply"));
        Assert.Equal(1, replies.Total);
        var today = DateOnly.FromDateTime(_db.Clock.GetUtcNow().UtcDateTime);
        Assert.Equal((await Audit.SearchAsync(auditor, new AuditQuery())).Total,
            (await Audit.SearchAsync(auditor, new AuditQuery(From: today, To: today))).Total);
        Assert.Equal(0, (await Audit.SearchAsync(auditor, new AuditQuery(From: today.AddDays(1)))).Total);

        var timeline = await Audit.TimelineAsync(auditor, first.Id);
        Assert.Equal("ticket.created", timeline.First(r => r.Entry.Action.StartsWith("ticket.")).Entry.Action);
        Assert.Equal(timeline.Select(r => r.Entry.Id).Order(), timeline.Select(r => r.Entry.Id));

        await Assert.ThrowsAsync<DeskForbiddenException>(() => Audit.SearchAsync(Org.ActorFor(Org.ItSupervisor), new AuditQuery()));
        await Assert.ThrowsAsync<DeskForbiddenException>(() => Audit.TimelineAsync(Org.ActorFor(Org.Requester), first.Id));
    }

    [Fact]
    public async Task TheAuditor_ReadsTheTrail_ButCannotChangeTickets()
    {
        var created = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.Requester));
        var auditor = await _db.AuditorAsync();
        Assert.True((await Audit.VerifyAsync(auditor)).Holds);
        var tickets = _db.Get<TicketCommands>();
        var reads = _db.Get<TicketQueries>();
        var t = await reads.GetAsync(Admin, created.Id);
        await Assert.ThrowsAsync<DeskNotFoundException>(() =>
            tickets.UpdateAsync(auditor, created.Id, t.Version, TicketServiceTests.TicketEditModelFor(t) with { Status = TicketStatus.Closed }));
        await Assert.ThrowsAsync<DeskNotFoundException>(() => tickets.ReplyAsync(auditor, created.Id, "Not mine to say", isPublic: true, []));
    }

    [Fact]
    public async Task AJsonExport_ReVerifiesOffline_FromTheDocumentedCanonicalForm()
    {
        var created = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.Requester), TicketFactory.Laptop(Org, "Ünïcode – and \"quotes\""));
        await _db.Get<TicketCommands>().ReplyAsync(Org.ActorFor(Org.ItAgent), created.Id, "Line one\nline two", isPublic: true, []);
        using var stream = new MemoryStream();
        var count = await _db.Get<AuditExport>().WriteJsonAsync(Admin, new AuditQuery(), stream);
        Assert.Equal((await TrailAsync()).Count, count);

        // A second, independent implementation of docs/audit.md, as a third party would write it from the document alone.
        using var json = JsonDocument.Parse(stream.ToArray());
        var prev = new string('0', 64);
        foreach (var e in json.RootElement.EnumerateArray())
        {
            var text = new StringBuilder();
            foreach (var name in new[] { "Id", "At", "ActorKind", "ActorId", "Action", "EntityType", "EntityId", "TicketId", "Before", "After", "Source", "PrevHash" })
            {
                var value = e.GetProperty(name) switch
                {
                    { ValueKind: JsonValueKind.Null } => "",
                    { ValueKind: JsonValueKind.Number } n => n.GetRawText(),
                    var s => s.GetString()!,
                };
                text.Append(Encoding.UTF8.GetByteCount(value)).Append(':').Append(value).Append('\n');
            }

            Assert.Equal(prev, e.GetProperty("PrevHash").GetString());
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
            Assert.Equal(hash, e.GetProperty("Hash").GetString());
            prev = hash;
        }

        // The CSV carries the same columns.
        using var writer = new StringWriter();
        await _db.Get<AuditExport>().WriteCsvAsync(Admin, new AuditQuery(Ticket: created.Key), writer);
        var lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(string.Join(",", AuditExport.Columns), lines[0].TrimEnd('\r'));
        Assert.Contains(lines, l => l.Contains("ticket.reply") && l.Contains(created.Key));
    }

    [Fact]
    public async Task AFormulaPlantedThroughAFailedSignIn_IsExportedAsText()
    {
        // What an anonymous visitor types as an email is kept on the trail as typed; the export must not let a
        // spreadsheet run it.
        const string planted = "=HYPERLINK(\"http://evil.example\",\"click\")";
        await _db.Get<AuditService>().RecordAsync(new AuditEntry
        {
            At = _db.Clock.GetUtcNow().UtcDateTime, ActorKind = AuditActorKind.User, Action = "signin.failed", EntityType = "user",
            EntityId = planted, Source = "-10.0.0.1",
        });

        using var writer = new StringWriter();
        await _db.Get<AuditExport>().WriteCsvAsync(Admin, new AuditQuery(Action: "signin.failed"), writer);
        var row = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)[1];
        Assert.Contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\"", row);
        Assert.Contains("'-10.0.0.1", row);
        Assert.DoesNotContain(",=", row);
    }
}
