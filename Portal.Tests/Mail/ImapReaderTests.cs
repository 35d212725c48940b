using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using Portal.Core.Departments;
using Portal.Core.Mail;
using Portal.Core.Tickets;
using Portal.Tests.Support;

namespace Portal.Tests.Mail;

/// <summary>Mailboxes read over IMAP from a real server (Dovecot): each message once, marked only after it was taken in.</summary>
public sealed class ImapReaderTests : IAsyncLifetime
{
    private readonly ImapServer _imap = new();
    private readonly string _user = $"it-{Guid.NewGuid():N}"[..12] + "@test.example";
    private TestDatabase _db = default!;
    private Mailbox _mailbox = default!;
    private ImapReader Reader => _db.Get<ImapReader>();

    public async Task InitializeAsync()
    {
        await _imap.StartAsync();
        _db = await TestDatabase.CreateAsync(settings: new Dictionary<string, string?>
        {
            [$"Mail:Inbound:it@test.example:Password"] = ImapServer.Password,
        });
        _mailbox = await SaveMailboxAsync("InternalDesk");
    }

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        await _imap.DisposeAsync();
    }

    private async Task<Mailbox> SaveMailboxAsync(string? processedFolder)
    {
        await using var db = _db.NewContext();
        var mailbox = await db.Mailboxes.FirstOrDefaultAsync(m => m.Address == "it@test.example") ?? db.Mailboxes.Add(new Mailbox { Address = "it@test.example" }).Entity;
        mailbox.DepartmentId = _db.Org.It.Id;
        mailbox.Kind = MailboxKind.Imap;
        mailbox.Host = "127.0.0.1";
        mailbox.Port = _imap.Port;
        mailbox.Security = "None";
        mailbox.UserName = _user;
        mailbox.ProcessedFolder = processedFolder;
        await db.SaveChangesAsync();
        return mailbox;
    }

    /// <summary>Delivers a message into the mailbox, as the mail server would.</summary>
    private async Task DeliverAsync(byte[] raw)
    {
        using var client = new ImapClient();
        await client.ConnectAsync("127.0.0.1", _imap.Port, SecureSocketOptions.None);
        await client.AuthenticateAsync(_user, ImapServer.Password);
        using var stream = new MemoryStream(raw);
        await client.Inbox.AppendAsync(await MimeMessage.LoadAsync(stream));
        await client.DisconnectAsync(true);
    }

    private async Task<(int Inbox, int Processed)> CountsAsync()
    {
        using var client = new ImapClient();
        await client.ConnectAsync("127.0.0.1", _imap.Port, SecureSocketOptions.None);
        await client.AuthenticateAsync(_user, ImapServer.Password);
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
        var inbox = client.Inbox.Count;
        var processed = 0;
        var root = client.GetFolder(client.PersonalNamespaces[0]);
        if ((await root.GetSubfoldersAsync()).FirstOrDefault(f => f.Name == "InternalDesk") is { } folder)
        {
            await folder.OpenAsync(FolderAccess.ReadOnly);
            processed = folder.Count;
        }

        await client.DisconnectAsync(true);
        return (inbox, processed);
    }

    private byte[] Mail(string subject, string text, string? to = null) =>
        MailIntakeTests.Mail(_db.Org.Requester.Email!, to ?? "it@test.example", subject, text);

    [Fact]
    public async Task WhatWaits_IsTakenIn_AsRequestsAndReplies_AndMovedToTheProcessedFolder()
    {
        await DeliverAsync(Mail("Docking station dead", "No power on the dock."));
        var first = await Reader.ReadAsync(_mailbox);
        var key = Assert.Single(first.Results).TicketKey!;
        await using var db = _db.NewContext();
        var mailKey = await db.Tickets.Where(t => t.Key == key).Select(t => t.MailKey).SingleAsync();
        await DeliverAsync(Mail("Re: Docking station dead", "It works with the other cable.", $"it+{mailKey}@test.example"));

        var second = await Reader.ReadAsync(_mailbox);
        Assert.Equal([$"reply on {key}"], second.Results.Select(r => r.Line));
        Assert.Equal((0, 2), await CountsAsync());
        var state = await db.Mailboxes.AsNoTracking().SingleAsync(m => m.Id == _mailbox.Id);
        Assert.NotNull(state.LastSuccessAt);
        Assert.Null(state.LastError);
    }

    [Fact]
    public async Task EachKindOfMessage_ReadFromTheServer_EndsAsTheIntakeSays()
    {
        var first = await _db.Get<MailIntake>().IngestAsync(Mail("Teams camera black", "The camera shows black."));
        await using var db = _db.NewContext();
        var ticket = await db.Tickets.AsNoTracking().SingleAsync(t => t.Key == first.TicketKey);
        var org = _db.Org;
        var png = new byte[] { 137, 80, 78, 71, 13, 10, 26, 10, 9 };
        await DeliverAsync(MailIntakeTests.Mail(org.Requester.Email!, "it@test.example", "HTML only", "", html: "<p>Only <b>HTML</b> here.</p>",
            files: [("screen.png", "image/png", png)]));
        await DeliverAsync(MailIntakeTests.Mail(org.Requester.Email!, "it@test.example", "Re: camera", "Still black.",
            m => m.InReplyTo = MailKeys.MessageId(ticket.MailKey, "x1")));
        await DeliverAsync(MailIntakeTests.Mail(org.Requester.Email!, "it@test.example", $"Re: [{ticket.Key}] camera", "Driver updated."));
        await DeliverAsync(MailIntakeTests.Mail(org.Requester.Email!, "it@test.example", "Automatic reply: away", "Away.", m => m.Headers.Add("Auto-Submitted", "auto-replied")));
        await DeliverAsync(MailIntakeTests.Mail("mailer-daemon@mx.test.example", "it@test.example", "Undeliverable", "No such user."));
        await DeliverAsync(MailIntakeTests.Mail("someone@outside.example", "it@test.example", "Hello", "A stranger."));
        await DeliverAsync(MailIntakeTests.Mail(org.OtherRequester.Email!, $"it+{ticket.MailKey}@test.example", "Re: camera", "Not mine."));

        var read = await Reader.ReadAsync(_mailbox);
        Assert.Equal(
        [
            "new request", $"reply on {ticket.Key}", $"reply on {ticket.Key}", "ignored: auto-reply", "ignored: bounce",
            "refused: the sender is not of the organisation", "new request",
        ], read.Results.Select(r => r.Line.StartsWith("new request", StringComparison.Ordinal) ? "new request" : r.Line));
        Assert.Equal((0, 7), await CountsAsync());
        var probe = read.Results[^1].TicketKey;
        Assert.NotEqual(ticket.Key, probe);
        Assert.Equal(org.OtherRequester.Id, (await db.Tickets.AsNoTracking().SingleAsync(t => t.Key == probe)).RequesterId);
    }

    [Fact]
    public async Task ACrashBetweenTheChangeAndMarkingTheMessage_GivesOneChange_WhenItIsReadAgain()
    {
        var raw = Mail("Scanner offline", "The scanner on floor 3 is offline.");
        await DeliverAsync(raw);
        // The reader took it in and crashed before moving it: the change is committed, the message still waits.
        await _db.Get<MailIntake>().IngestAsync(raw, "it@test.example");
        var again = await Reader.ReadAsync(_mailbox);
        Assert.Equal(MailOutcome.Duplicate, Assert.Single(again.Results).Outcome);
        await using var db = _db.NewContext();
        Assert.Equal(1, await db.Tickets.CountAsync(t => t.Title == "Scanner offline"));
        Assert.Equal((0, 1), await CountsAsync());
    }

    [Fact]
    public async Task WithoutAProcessedFolder_MessagesAreMarked_AndNotTakenTwice()
    {
        _mailbox = await SaveMailboxAsync(processedFolder: null);
        await DeliverAsync(Mail("Wi-Fi slow in room 12", "Very slow."));
        Assert.Single((await Reader.ReadAsync(_mailbox)).Results);
        Assert.Empty((await Reader.ReadAsync(_mailbox)).Results);
        Assert.Equal((1, 0), await CountsAsync());
    }

    [Fact]
    public async Task AMailboxThatIsDown_SaysWhy_AndIsReadAgainWhenItComesBack()
    {
        await _imap.StopAsync();
        var down = await Assert.ThrowsAsync<MailboxUnavailableException>(() => Reader.ReadAsync(_mailbox));
        Assert.StartsWith($"Could not reach 127.0.0.1:{_imap.Port}", down.Message);
        var rows = await _db.Get<MailboxAdminService>().ListAsync(_db.Org.ActorFor(_db.Org.Admin));
        Assert.True(rows.Single().Failing);

        await _imap.StartAsync();
        await DeliverAsync(Mail("Projector bulb", "The bulb is gone."));
        Assert.Single((await Reader.ReadAsync(_mailbox)).Results);
        Assert.False((await _db.Get<MailboxAdminService>().ListAsync(_db.Org.ActorFor(_db.Org.Admin))).Single().Failing);
    }

    [Fact]
    public async Task AWrongPassword_IsSaidPlainly()
    {
        var settings = new Dictionary<string, string?> { ["Mail:Inbound:it@test.example:Password"] = "wrong" };
        await using var other = await TestDatabase.CreateAsync(settings: settings);
        await using (var db = other.NewContext())
        {
            db.Mailboxes.Add(new Mailbox
            {
                Address = "it@test.example", DepartmentId = other.Org.It.Id, Kind = MailboxKind.Imap, Host = "127.0.0.1", Port = _imap.Port,
                Security = "None", UserName = _user,
            });
            await db.SaveChangesAsync();
        }

        await using var read = other.NewContext();
        var mailbox = await read.Mailboxes.AsNoTracking().SingleAsync();
        var refused = await Assert.ThrowsAsync<MailboxUnavailableException>(() => other.Get<ImapReader>().ReadAsync(mailbox));
        Assert.StartsWith($"127.0.0.1 refused the sign-in of {_user}", refused.Message);
    }

    [Fact]
    public async Task WithIdle_NewMailIsTakenInAsItArrives_WithoutWaitingForAPoll()
    {
        using var give = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var reading = Reader.ReadAsync(_mailbox, idle: TimeSpan.FromMinutes(10), give.Token);
        // Once the first reading is done (the mailbox says so), the reader waits on IDLE: deliver then.
        await using (var db = _db.NewContext())
        {
            while (await db.Mailboxes.AsNoTracking().Where(m => m.Id == _mailbox.Id).Select(m => m.LastSuccessAt).SingleAsync() is null)
                await Task.Delay(50, give.Token);
        }

        await DeliverAsync(Mail("Heating off in the east wing", "It is cold."));
        var read = await reading;
        Assert.True(read.Idled);
        Assert.Equal(MailOutcome.Created, Assert.Single(read.Results).Outcome);
    }
}
