using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Departments;
using Portal.Core.Mail;
using Portal.Core.Tickets;
using Portal.Jobs;
using Portal.Tests.Support;

namespace Portal.Tests.Mail;

/// <summary>Mail piped in by another process reaches the open pages of the web app: its tickets are announced there.</summary>
public sealed class PipedMailAnnouncementTests : IAsyncLifetime
{
    private TestDatabase _db = default!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        await using var db = _db.NewContext();
        db.Mailboxes.Add(new Mailbox { DepartmentId = _db.Org.It.Id, Address = "it@test.example" });
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task ATicketFiledByThePipe_IsAnnouncedToThisProcessesPages_Once()
    {
        var watcher = ActivatorUtilities.CreateInstance<MailWatcher>(_db.Services);
        Assert.Equal(0, await watcher.AnnounceOnceAsync(CancellationToken.None)); // where it stands

        // As `mail ingest` would, in its own process: this process's pages heard nothing of it.
        var filed = await _db.Get<MailIntake>().IngestAsync(MailIntakeTests.Mail(_db.Org.Requester.Email!, "it@test.example", "Piped in", "From Postfix."));
        var heard = new List<TicketChanged>();
        var feed = _db.Get<TicketChangeFeed>();
        void Listen(TicketChanged change) => heard.Add(change);
        feed.Changed += Listen;
        try
        {
            Assert.Equal(1, await watcher.AnnounceOnceAsync(CancellationToken.None));
            Assert.Equal(0, await watcher.AnnounceOnceAsync(CancellationToken.None));
        }
        finally
        {
            feed.Changed -= Listen;
        }

        var change = Assert.Single(heard);
        Assert.Equal((_db.Org.It.Id, TicketChangeKind.Created), (change.DepartmentId, change.Kind));
        await using var db = _db.NewContext();
        Assert.Equal(filed.TicketKey, db.Tickets.Single(t => t.Id == change.TicketId).Key);
    }
}
