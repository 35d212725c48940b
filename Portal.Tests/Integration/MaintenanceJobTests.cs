using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Assets;
using Portal.Tests.Support;

namespace Portal.Tests.Integration;

/// <summary>The app's scheduled maintenance job, as Coravel resolves and runs it, files a due maintenance ticket once.</summary>
public class MaintenanceJobTests
{
    [Fact]
    public async Task TheScheduledJob_FilesTheDueTicket_Once()
    {
        await using var portal = new PortalFactory();
        await portal.StartAsync();
        var org = portal.Org;
        var assets = portal.Services.GetRequiredService<AssetService>();
        var agent = org.ActorFor(org.ItAgent);
        var laptop = (await assets.ListTypesAsync()).Single(t => t.Name == "Laptop").Id;
        var id = await assets.CreateAsync(agent, new AssetInput("LT-JOB", "Laptop for the job", laptop, org.It.Id));
        var today = DateOnly.FromDateTime(portal.Services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime);
        await portal.Services.GetRequiredService<MaintenanceService>().AddAsync(agent, id, new MaintenanceInput("Clean fans", 6, MaintenanceUnit.Months, today));

        using (var scope = portal.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<Portal.Jobs.MaintenanceJob>().Invoke();
        using (var scope = portal.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<Portal.Jobs.MaintenanceJob>().Invoke();

        var history = await assets.HistoryAsync(agent, id);
        var ticket = Assert.Single(history.Tickets);
        Assert.Equal("Clean fans: LT-JOB Laptop for the job", ticket.Title);
        Assert.Equal("Maintenance", ticket.TypeName);
    }
}
