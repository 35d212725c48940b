using System.Text;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Departments;
using Portal.Core.Mail;
using Portal.Core.Tickets;
using Portal.Tests.Support;

namespace Portal.Tests.Mail;

/// <summary>
/// Messages shaped as real clients write them (Mail/Corpus: Outlook with winmail.dat, Gmail with an inline image, Apple
/// Mail's flowed text, an Android client in ISO-8859-1, a message forwarded as an attachment): each is read right.
/// </summary>
public class MailCorpusTests : IAsyncLifetime
{
    private TestDatabase _db = default!;
    private Ticket _ticket = default!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        await using var db = _db.NewContext();
        db.Mailboxes.Add(new Mailbox { DepartmentId = _db.Org.It.Id, Address = "it@test.example" });
        await db.SaveChangesAsync();
        var first = await _db.Get<MailIntake>().IngestAsync(MailIntakeTests.Mail(_db.Org.Requester.Email!, "it@test.example", "Printer prints blank pages", "Blank pages."));
        _ticket = await db.Tickets.AsNoTracking().SingleAsync(t => t.Key == first.TicketKey);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private async Task<MailResult> IngestAsync(string file)
    {
        var text = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Mail", "Corpus", file), Encoding.Latin1);
        var raw = Encoding.Latin1.GetBytes(text.Replace("{KEY}", _ticket.MailKey).Replace("{TICKET}", _ticket.Key));
        return await _db.Get<MailIntake>().IngestAsync(raw);
    }

    private async Task<(string Body, List<string> Files)> LastAsync(int ticketId)
    {
        await using var db = _db.NewContext();
        var last = await db.TicketEvents.AsNoTracking().Where(e => e.TicketId == ticketId && (e.Kind == TicketEventKind.Reply || e.Kind == TicketEventKind.Created))
            .OrderByDescending(e => e.Id).FirstAsync();
        var files = await db.Attachments.AsNoTracking().Where(a => a.EventId == last.Id && a.IsPublic).Select(a => a.FileName).ToListAsync();
        return (last.Body ?? "", files);
    }

    [Fact]
    public async Task Outlook_AReplyInQuotedPrintable_LosesItsHeaderBlock_AndNamesWinmailDat()
    {
        var result = await IngestAsync("outlook-reply.eml");
        Assert.Equal($"reply on {_ticket.Key}", result.Line);
        var (body, files) = await LastAsync(_ticket.Id);
        Assert.StartsWith("Hi Ivan,\n\nthe new driver did not help, the printer still prints blank pages.\n\nKind regards\nRita Requester", body);
        Assert.DoesNotContain("Sent: Thursday", body);
        Assert.DoesNotContain("software centre", body);
        Assert.Contains("Not attached: \"winmail.dat\" is of a type that is not accepted", body);
        Assert.Empty(files);
    }

    [Fact]
    public async Task Gmail_ANewMessageInBase64Utf8_WithAnInlineImage_BecomesARequestWithThePhoto()
    {
        var result = await IngestAsync("gmail-new.eml");
        Assert.Equal(MailOutcome.Created, result.Outcome);
        await using var db = _db.NewContext();
        var ticket = await db.Tickets.AsNoTracking().SingleAsync(t => t.Key == result.TicketKey);
        Assert.Equal("Bildschirm flackert nach dem Update", ticket.Title);
        Assert.Contains("mein Bildschirm flackert seit dem Update – siehe Foto. Grüße aus München 🙂", ticket.Description);
        Assert.Equal(["photo.png"], (await LastAsync(ticket.Id)).Files);
    }

    [Fact]
    public async Task AppleMail_AFlowedReply_FoundByInReplyTo_LosesItsQuote()
    {
        var result = await IngestAsync("apple-mail-reply.eml");
        Assert.Equal($"reply on {_ticket.Key}", result.Line);
        Assert.Equal("Yes, it is the one on the second floor, next to the kitchen.\n\nRita", (await LastAsync(_ticket.Id)).Body);
    }

    [Fact]
    public async Task Android_AReplyInIso8859_1_LosesItsGermanSignatureAndOriginalMessage()
    {
        var result = await IngestAsync("android-reply.eml");
        Assert.Equal($"reply on {_ticket.Key}", result.Line);
        Assert.Equal("Der Drucker druckt jetzt wieder, vielen Dank für die schnelle Hilfe!", (await LastAsync(_ticket.Id)).Body);
    }

    [Fact]
    public async Task AForwardedMessage_BecomesARequest_WithTheForwardedMailAttached()
    {
        var result = await IngestAsync("forwarded.eml");
        Assert.Equal(MailOutcome.Created, result.Outcome);
        await using var db = _db.NewContext();
        var ticket = await db.Tickets.AsNoTracking().SingleAsync(t => t.Key == result.TicketKey);
        Assert.Equal("Fwd: Suspicious invoice", ticket.Title);
        Assert.Contains("Is this phishing?", ticket.Description);
        Assert.Equal(["Suspicious invoice.eml"], (await LastAsync(ticket.Id)).Files);
    }
}
