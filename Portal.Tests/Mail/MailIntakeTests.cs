using Microsoft.EntityFrameworkCore;
using MimeKit;
using Portal.Core.Departments;
using Portal.Core.Handling;
using Portal.Core.Mail;
using Portal.Core.Tickets;
using Portal.Tests.Support;

namespace Portal.Tests.Mail;

/// <summary>Mail becomes requests and replies through the pipeline, exactly once, and only where the sender may go.</summary>
public class MailIntakeTests : IAsyncLifetime
{
    private TestDatabase _db = default!;
    private TestOrg Org => _db.Org;
    private MailIntake Intake => _db.Get<MailIntake>();
    private int _mailboxId;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync(settings: new Dictionary<string, string?>
        {
            ["Notifications:Email:Host"] = "localhost", ["Notifications:Email:From"] = "desk@test.example", ["Mail:FloodLimit"] = "5",
        });
        await using var db = _db.NewContext();
        var mailbox = new Mailbox { DepartmentId = Org.It.Id, Address = "it@test.example" };
        db.Mailboxes.Add(mailbox);
        await db.SaveChangesAsync();
        _mailboxId = mailbox.Id;
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    internal static byte[] Mail(string from, string to, string subject, string text, Action<MimeMessage>? shape = null, string? html = null,
        IEnumerable<(string Name, string Type, byte[] Data)>? files = null)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("mail.test.example");
        var body = new BodyBuilder { TextBody = text.Length == 0 ? null : text, HtmlBody = html };
        foreach (var (name, type, data) in files ?? [])
            body.Attachments.Add(name, data, ContentType.Parse(type));
        message.Body = body.ToMessageBody();
        shape?.Invoke(message);
        using var stream = new MemoryStream();
        message.WriteTo(stream);
        return stream.ToArray();
    }

    private async Task<Ticket> TicketAsync(string key)
    {
        await using var db = _db.NewContext();
        return await db.Tickets.AsNoTracking().Include(t => t.Watchers).SingleAsync(t => t.Key == key);
    }

    private async Task<List<TicketEvent>> HistoryAsync(int ticketId)
    {
        await using var db = _db.NewContext();
        return await db.TicketEvents.AsNoTracking().Where(e => e.TicketId == ticketId).OrderBy(e => e.Id).ToListAsync();
    }

    [Fact]
    public async Task ANewMessage_BecomesARequestOfItsSender_InTheMailboxsDepartment_AndTheSameMessageAgainChangesNothing()
    {
        var raw = Mail(Org.Requester.Email!, "it@test.example", "VPN drops every hour", "Since Monday the VPN drops every hour.\n\nRita");
        var result = await Intake.IngestAsync(raw);
        Assert.Equal(MailOutcome.Created, result.Outcome);
        Assert.Matches("^new request IT-\\d+$", result.Line);
        var ticket = await TicketAsync(result.TicketKey!);
        Assert.Equal((Org.It.Id, Org.Requester.Id, "VPN drops every hour"), (ticket.DepartmentId, ticket.RequesterId, ticket.Title));
        Assert.Contains("Since Monday the VPN drops every hour.", ticket.Description);
        Assert.Equal(TicketStatus.New, ticket.Status);
        Assert.NotNull(ticket.SlaDueAt); // filed through the pipeline: its SLA runs

        var again = await Intake.IngestAsync(raw);
        Assert.Equal((MailOutcome.Duplicate, "duplicate: taken in before"), (again.Outcome, again.Line));
        await using var db = _db.NewContext();
        Assert.Equal(1, await db.Tickets.CountAsync(t => t.Title == "VPN drops every hour"));
        // The requester hears by email that it was filed, with the promise.
        var ack = await db.OutboxMessages.SingleAsync(m => m.TicketId == ticket.Id && m.EventKey.StartsWith("letter:ack:"));
        Assert.Equal(Org.Requester.Id, ack.Target);
        Assert.Contains("We aim to answer by", ack.Body);
    }

    [Fact]
    public async Task AnAnswer_ByTheReplyKey_ByInReplyTo_OrByTheNumberInTheSubject_BecomesAReplyWithoutTheQuotedHistory()
    {
        var first = await Intake.IngestAsync(Mail(Org.Requester.Email!, "it@test.example", "Printer jams", "The printer on floor 2 jams."));
        var ticket = await TicketAsync(first.TicketKey!);

        var byKey = await Intake.IngestAsync(Mail(Org.Requester.Email!, $"it+{ticket.MailKey}@test.example", "Re: Printer jams",
            "It jams on A3 only.\n\nOn Mon, 23 Nov 2026 at 09:00, IT <it@test.example> wrote:\n> The printer on floor 2 jams."));
        Assert.Equal($"reply on {ticket.Key}", byKey.Line);

        var byThread = await Intake.IngestAsync(Mail(Org.Requester.Email!, "it@test.example", "Re: [IT] something",
            "Also with the blue paper.\n\nSent from my iPhone", m => m.InReplyTo = MailKeys.MessageId(ticket.MailKey, "abc123")));
        Assert.Equal($"reply on {ticket.Key}", byThread.Line);

        var bySubject = await Intake.IngestAsync(Mail(Org.Requester.Email!, "it@test.example", $"Re: [{ticket.Key}] Printer jams", "Fixed itself, thanks!"));
        Assert.Equal($"reply on {ticket.Key}", bySubject.Line);

        var replies = (await HistoryAsync(ticket.Id)).Where(e => e.Kind == TicketEventKind.Reply).Select(e => e.Body).ToList();
        Assert.Equal(["It jams on A3 only.", "Also with the blue paper.", "Fixed itself, thanks!"], replies);
        // The whole message is on record for staff where the reply shows less (the quote, the signature), not for the third.
        await using var db = _db.NewContext();
        var originals = await db.Attachments.Where(a => a.TicketId == ticket.Id && a.FileName == "original.eml").ToListAsync();
        Assert.Equal(2, originals.Count);
        Assert.All(originals, a => Assert.False(a.IsPublic));
    }

    [Fact]
    public async Task AnAgentsAnswer_IsAPublicReplyByStaff_AndARequestersAnswerReopensAResolvedRequest()
    {
        var first = await Intake.IngestAsync(Mail(Org.Requester.Email!, "it@test.example", "Monitor flickers", "It flickers."));
        var ticket = await TicketAsync(first.TicketKey!);
        await Intake.IngestAsync(Mail(Org.ItAgent.Email!, $"it+{ticket.MailKey}@test.example", "Re: Monitor flickers", "Try another cable, please."));
        var reply = (await HistoryAsync(ticket.Id)).Single(e => e.Kind == TicketEventKind.Reply);
        Assert.True(reply.IsPublic && reply.ByAgent);
        Assert.Equal(TicketStatus.Open, (await TicketAsync(ticket.Key)).Status);

        var agent = Org.ActorFor(Org.ItAgent);
        var current = await _db.Get<TicketQueries>().GetAsync(agent, ticket.Id);
        await _db.Get<TicketCommands>().UpdateAsync(agent, ticket.Id, current.Version,
            Portal.Tests.Persistence.TicketServiceTests.TicketEditModelFor(current) with { Status = TicketStatus.Resolved });
        await Intake.IngestAsync(Mail(Org.Requester.Email!, $"it+{ticket.MailKey}@test.example", "Re: Monitor flickers", "Still flickers."));
        Assert.Equal(TicketStatus.Open, (await TicketAsync(ticket.Key)).Status);
    }

    [Fact]
    public async Task SomeoneWhoMayNotSeeTheTicket_NeverReachesItByMail_TheirMailBecomesARequestOfTheirOwn_AndTheRefusalIsAudited()
    {
        var first = await Intake.IngestAsync(Mail(Org.Requester.Email!, "it@test.example", "Salary question", "Private."));
        var ticket = await TicketAsync(first.TicketKey!);
        var probe = await Intake.IngestAsync(Mail(Org.OtherRequester.Email!, $"it+{ticket.MailKey}@test.example", "Re: Salary question", "Let me in."));
        Assert.Equal(MailOutcome.Created, probe.Outcome);
        Assert.NotEqual(ticket.Key, probe.TicketKey);
        Assert.Equal(Org.OtherRequester.Id, (await TicketAsync(probe.TicketKey!)).RequesterId);
        Assert.DoesNotContain(await HistoryAsync(ticket.Id), e => e.ActorId == Org.OtherRequester.Id);
        // The number in the subject alone does not reach it either.
        var bySubject = await Intake.IngestAsync(Mail(Org.OtherRequester.Email!, "it@test.example", $"Re: [{ticket.Key}]", "Again."));
        Assert.NotEqual(ticket.Key, bySubject.TicketKey);
        await using var db = _db.NewContext();
        Assert.Contains(db.AuditEntries, e => e.Action == "mail.thread-refused" && e.EntityId == ticket.Key && e.ActorId == Org.OtherRequester.Id);
    }

    [Theory]
    [InlineData("Auto-Submitted", "auto-replied", "ignored: auto-reply")]
    [InlineData("Precedence", "bulk", "ignored: bulk mail")]
    [InlineData("X-Autoreply", "yes", "ignored: auto-reply")]
    [InlineData("Return-Path", "<>", "ignored: bounce")]
    public async Task AutoRepliesBouncesAndBulkMail_AreNeverTicketedNorAnswered(string header, string value, string line)
    {
        var result = await Intake.IngestAsync(Mail(Org.Requester.Email!, "it@test.example", "Out of the office", "I am away.", m => m.Headers.Add(header, value)));
        Assert.Equal((MailOutcome.Ignored, line), (result.Outcome, result.Line));
        var daemon = await Intake.IngestAsync(Mail("MAILER-DAEMON@mx.test.example", "it@test.example", "Undelivered Mail Returned to Sender", "Delivery failed."));
        Assert.Equal("ignored: bounce", daemon.Line);
        var ours = await Intake.IngestAsync(Mail("desk@test.example", "it@test.example", "[IT-1] Resolved", "Loop?"));
        Assert.Equal("ignored: the desk's own mail", ours.Line);
        await using var db = _db.NewContext();
        Assert.False(await db.Tickets.AnyAsync(t => t.Title == "Out of the office"));
        Assert.False(await db.OutboxMessages.AnyAsync(m => m.EventKey.StartsWith("letter:")));
    }

    [Fact]
    public async Task AFloodFromOneSender_IsHeldInTheQuarantine_AndAnAdminReleasesOrDropsIt()
    {
        var results = new List<MailResult>();
        for (var i = 0; i < 7; i++)
            results.Add(await Intake.IngestAsync(Mail(Org.Requester.Email!, "it@test.example", $"Flood {i}", "Same again.")));
        Assert.Equal(5, results.Count(r => r.Outcome == MailOutcome.Created));
        Assert.Equal(2, results.Count(r => r.Outcome == MailOutcome.Quarantined));
        Assert.StartsWith("quarantined: more than 5 messages from rita.requester@test.example in 10 minutes", results[5].Line);

        await using var db = _db.NewContext();
        var held = await db.InboundMessages.Where(m => m.Outcome == MailOutcome.Quarantined).OrderBy(m => m.Id).ToListAsync();
        var admin = Org.ActorFor(Org.Admin);
        await Assert.ThrowsAsync<Portal.Core.Common.DeskForbiddenException>(() => Intake.RetryAsync(Org.ActorFor(Org.ItAgent), held[0].Id));
        var released = await Intake.RetryAsync(admin, held[0].Id);
        Assert.Equal(MailOutcome.Created, released.Outcome);
        await Intake.DropAsync(admin, held[1].Id);
        var rows = await db.InboundMessages.AsNoTracking().Where(m => held.Select(h => h.Id).Contains(m.Id)).OrderBy(m => m.Id).ToListAsync();
        Assert.Equal([MailOutcome.Created, MailOutcome.Dropped], rows.Select(r => r.Outcome));
        Assert.All(rows, r => Assert.Null(r.Raw));
        Assert.Equal(6, await db.Tickets.CountAsync(t => t.Title.StartsWith("Flood")));
    }

    [Fact]
    public async Task AnUnknownSender_OfTheOrganisation_GetsAnAccount_AndOneFromOutsideIsRefusedPolitely()
    {
        var inside = await Intake.IngestAsync(Mail("Nora New <nora.new@test.example>", "it@test.example", "First day, no laptop", "Hello!"));
        Assert.Equal(MailOutcome.Created, inside.Outcome);
        await using var db = _db.NewContext();
        var nora = await db.Users.AsNoTracking().SingleAsync(u => u.Email == "nora.new@test.example");
        Assert.Equal(("Nora New", Portal.Core.Security.DeskRole.Requester, null as string), (nora.DisplayName, nora.Roles, nora.PasswordHash));

        var outside = await Intake.IngestAsync(Mail("spam@elsewhere.example", "it@test.example", "Cheap laptops", "Buy now"));
        Assert.Equal((MailOutcome.Refused, "refused: the sender is not of the organisation"), (outside.Outcome, outside.Line));
        Assert.False(await db.Users.AnyAsync(u => u.Email == "spam@elsewhere.example"));
        var letter = await db.OutboxMessages.SingleAsync(m => m.Target == "mailto:spam@elsewhere.example");
        Assert.Contains("takes requests from people of the organisation only", letter.Body);
        Assert.Contains(db.AuditEntries, e => e.Action == "mail.refused");
    }

    [Fact]
    public async Task HtmlOnlyMail_AttachmentsAndInlineImages_AreKept_AndWhatTheDeskDoesNotTakeIsNamed()
    {
        var png = new byte[] { 137, 80, 78, 71, 13, 10, 26, 10, 1, 2, 3 };
        var raw = Mail(Org.Requester.Email!, "it@test.example", "Screen broken", "", html:
            "<html><head><style>p{color:red}</style><script>alert(1)</script></head><body><p>The screen is <b>cracked</b>.</p><ul><li>left corner</li><li>since today</li></ul><p><a href=\"https://photos.example/1\">photo</a></p></body></html>",
            files: [("crack.png", "image/png", png), ("setup.exe", "application/octet-stream", [1, 2, 3])]);
        var result = await Intake.IngestAsync(raw);
        var ticket = await TicketAsync(result.TicketKey!);
        Assert.Contains("The screen is cracked.", ticket.Description);
        Assert.Contains("- left corner", ticket.Description);
        Assert.Contains("photo (https://photos.example/1)", ticket.Description);
        Assert.DoesNotContain("alert", ticket.Description);
        Assert.DoesNotContain("color:red", ticket.Description);
        Assert.Contains("Not attached: \"setup.exe\" is of a type that is not accepted", ticket.Description);
        await using var db = _db.NewContext();
        Assert.Equal(["crack.png"], await db.Attachments.Where(a => a.TicketId == ticket.Id).Select(a => a.FileName).ToListAsync());
    }

    [Fact]
    public async Task AnAnswerToAClosedRequest_BecomesANewRequestThatSaysWhichItFollows()
    {
        var first = await Intake.IngestAsync(Mail(Org.Requester.Email!, "it@test.example", "Keyboard", "Keys stick."));
        await using (var db = _db.NewContext())
        {
            await db.Tickets.Where(t => t.Key == first.TicketKey).ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, TicketStatus.Closed));
        }

        var ticket = await TicketAsync(first.TicketKey!);
        var again = await Intake.IngestAsync(Mail(Org.Requester.Email!, $"it+{ticket.MailKey}@test.example", "Re: Keyboard", "They stick again."));
        Assert.Equal(MailOutcome.Created, again.Outcome);
        Assert.StartsWith($"Follows up {ticket.Key}, which is closed.", (await TicketAsync(again.TicketKey!)).Description);
    }

    [Fact]
    public async Task AMailboxsCategoryAndType_AreThoseOfItsNewRequests_EvenWhereTheFormHasRequiredFields()
    {
        await using (var db = _db.NewContext())
        {
            var incident = await db.TicketTypes.Where(t => t.Kind == TicketKind.Incident).Select(t => t.Id).SingleAsync();
            await db.Mailboxes.Where(m => m.Id == _mailboxId).ExecuteUpdateAsync(s => s.SetProperty(m => m.TypeId, incident).SetProperty(m => m.CategoryId, Org.Laptop.Id));
        }

        var result = await Intake.IngestAsync(Mail(Org.Requester.Email!, "it@test.example", "Laptop will not boot", "Black screen."));
        var ticket = await TicketAsync(result.TicketKey!);
        await using var read = _db.NewContext();
        Assert.Equal((Org.Laptop.Id, TicketKind.Incident), (ticket.CategoryId, await read.TicketTypes.Where(t => t.Id == ticket.TypeId).Select(t => t.Kind).SingleAsync()));
    }

    [Fact]
    public async Task NotAMessage_IsUnreadable()
    {
        await Assert.ThrowsAsync<MailUnreadableException>(() => Intake.IngestAsync("just some words\n"u8.ToArray()));
    }
}
