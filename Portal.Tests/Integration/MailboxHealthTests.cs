using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Departments;
using Portal.Core.Persistence;
using Portal.Tests.Support;

namespace Portal.Tests.Integration;

/// <summary>A mailbox the desk cannot read makes /readyz say Degraded (the node still serves: 200), naming the mailbox.</summary>
public sealed class MailboxHealthTests : IAsyncLifetime
{
    private readonly PortalFactory _factory = new();

    public Task InitializeAsync() => _factory.StartAsync();

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private async Task<(HttpStatusCode Code, string Status, string Mailboxes)> ReadyAsync()
    {
        var response = await _factory.ClientFor(null).GetAsync("/readyz");
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var mailboxes = doc.RootElement.GetProperty("checks").GetProperty("mailboxes");
        return (response.StatusCode, doc.RootElement.GetProperty("status").GetString()!, mailboxes.GetProperty("description").GetString()!);
    }

    [Fact]
    public async Task AFailingMailbox_MakesTheNodeDegraded_NotDown_UntilItIsReadAgain()
    {
        var before = await ReadyAsync();
        Assert.Equal((HttpStatusCode.OK, "Healthy"), (before.Code, before.Status));
        var factory = _factory.Services.GetRequiredService<IDbContextFactory<DeskDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        var mailbox = db.Mailboxes.Add(new Mailbox
        {
            DepartmentId = _factory.Org.It.Id, Address = "it@test.example", Kind = MailboxKind.Imap, Host = "imap.test.example", UserName = "it",
            LastErrorAt = DateTime.UtcNow, LastError = "Could not reach imap.test.example:993",
        }).Entity;
        await db.SaveChangesAsync();

        var failing = await ReadyAsync();
        Assert.Equal((HttpStatusCode.OK, "Degraded"), (failing.Code, failing.Status));
        Assert.Contains("Cannot read it@test.example", failing.Mailboxes);

        await db.Mailboxes.Where(m => m.Id == mailbox.Id).ExecuteUpdateAsync(s => s.SetProperty(m => m.LastSuccessAt, DateTime.UtcNow.AddSeconds(1)));
        Assert.Equal("Healthy", (await ReadyAsync()).Status);
    }
}
