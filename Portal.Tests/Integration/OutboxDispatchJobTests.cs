using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Tickets;
using Portal.Tests.Persistence;
using Portal.Tests.Support;
using Portal.Core.Handling;

namespace Portal.Tests.Integration;

/// <summary>The running app sends what the outbox holds by itself: the scheduled dispatcher, not a test, delivers it.</summary>
public class OutboxDispatchJobTests
{
    private sealed class MailingPortal(int smtpPort) : PortalFactory
    {
        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Desk:ScheduledJobs"] = "true",
            ["Notifications:DispatchSeconds"] = "1",
            ["Notifications:Email:Host"] = "127.0.0.1",
            ["Notifications:Email:Port"] = smtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Notifications:Email:Security"] = "None",
        };
    }

    [Fact]
    public async Task AnAssignment_ArrivesByEmail_WithinSeconds()
    {
        await using var smtp = new TestSmtpServer();
        await smtp.StartAsync();
        await using var portal = new MailingPortal(smtp.Port);
        await portal.StartAsync();
        var org = portal.Org;
        var tickets = portal.Services.GetRequiredService<TicketCommands>();
        var filing = portal.Services.GetRequiredService<TicketFiling>();
        var reads = portal.Services.GetRequiredService<TicketQueries>();
        var created = await filing.CreateAsync(org.ActorFor(org.Requester), TicketFactory.Laptop(org, "Docking station dead"));
        var sue = org.ActorFor(org.ItSupervisor);
        var t = await reads.GetAsync(sue, created.Id);
        await tickets.UpdateAsync(sue, created.Id, t.Version, TicketServiceTests.TicketEditModelFor(t) with { AssigneeId = org.ItAgent.Id });

        var mail = await smtp.WaitForAsync(TimeSpan.FromSeconds(15));
        Assert.Equal($"[{created.Key}] Assigned to you by {org.ItSupervisor.DisplayName}", mail.Subject);
        Assert.Equal(org.ItAgent.Email, mail.To.Mailboxes.Single().Address);
    }
}
