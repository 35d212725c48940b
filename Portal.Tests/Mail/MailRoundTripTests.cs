using Microsoft.EntityFrameworkCore;
using MimeKit;
using Portal.Core.Departments;
using Portal.Core.Mail;
using Portal.Core.Notifications;
using Portal.Core.Tickets;
using Portal.Tests.Support;

namespace Portal.Tests.Mail;

/// <summary>The desk's emails are made to be answered: a reply from any mail app lands on the ticket.</summary>
public class MailRoundTripTests : IAsyncLifetime
{
    private readonly TestSmtpServer _smtp = new();
    private TestDatabase _db = default!;

    public async Task InitializeAsync()
    {
        await _smtp.StartAsync();
        _db = await TestDatabase.CreateAsync(settings: _smtp.Settings());
        await using var db = _db.NewContext();
        db.Mailboxes.Add(new Mailbox { DepartmentId = _db.Org.It.Id, Address = "it@test.example" });
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    [Fact]
    public async Task TheAcknowledgement_CarriesTheReplyKey_AndAnAnswerToIt_FromAMailApp_LandsOnTheRequest()
    {
        var org = _db.Org;
        var filed = await _db.Get<MailIntake>().IngestAsync(MailIntakeTests.Mail(org.Requester.Email!, "it@test.example", "Badge does not open door 3", "Since today."));
        await _db.Get<OutboxDispatcher>().DispatchAsync();
        var ack = await _smtp.WaitForAsync(TimeSpan.FromSeconds(10));
        await using var db = _db.NewContext();
        var ticket = await db.Tickets.AsNoTracking().SingleAsync(t => t.Key == filed.TicketKey);
        Assert.Equal($"it+{ticket.MailKey}@test.example", ack.ReplyTo.Mailboxes.Single().Address);
        Assert.StartsWith(MailKeys.ReplyAboveLine, ack.TextBody);
        Assert.Contains($"{ticket.Key}: Badge does not open door 3", ack.TextBody);
        Assert.Equal("auto-replied", ack.Headers[HeaderId.AutoSubmitted]);

        // The answer as a phone's mail app writes it: to the Reply-To, quoting the whole acknowledgement below.
        var answer = new MimeMessage();
        answer.From.Add(MailboxAddress.Parse(org.Requester.Email!));
        answer.To.AddRange(ack.ReplyTo);
        answer.Subject = "Re: " + ack.Subject;
        answer.InReplyTo = ack.MessageId;
        answer.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("phone.test.example");
        var quoted = string.Join("\n", ack.TextBody!.Split('\n').Select(l => "> " + l));
        answer.Body = new TextPart("plain") { Text = $"It is the east entrance.\n\nSent from my iPhone\n\n> On 23 Nov 2026, at 09:00, InternalDesk wrote:\n{quoted}" };
        using var bytes = new MemoryStream();
        answer.WriteTo(bytes);
        var reply = await _db.Get<MailIntake>().IngestAsync(bytes.ToArray());

        Assert.Equal($"reply on {ticket.Key}", reply.Line);
        var body = await db.TicketEvents.Where(e => e.TicketId == ticket.Id && e.Kind == TicketEventKind.Reply).Select(e => e.Body).SingleAsync();
        Assert.Equal("It is the east entrance.", body);
    }
}
