using Portal.Core.Tickets;
using Portal.Tests.Support;
using Portal.Core.Handling;

namespace Portal.Tests.Integration;

/// <summary>One running portal for the HTTP tests, with an IT ticket filed by Rita (with a file) and an HR ticket by Otto.</summary>
public sealed class PortalWebFixture : IAsyncLifetime
{
    public PortalFactory Factory { get; } = new();
    public TestOrg Org => Factory.Org;
    public int ItTicketId { get; private set; }
    public int HrTicketId { get; private set; }
    public int AttachmentId { get; private set; }

    /// <summary>Rita's IT laptop, LT-PAGE, linked to her IT ticket.</summary>
    public int AssetId { get; private set; }

    public async Task InitializeAsync()
    {
        await Factory.StartAsync();
        var filing = Factory.Services.GetService(typeof(TicketFiling)) as TicketFiling ?? throw new InvalidOperationException();
        var reads = Factory.Services.GetService(typeof(TicketQueries)) as TicketQueries ?? throw new InvalidOperationException();
        var it = await filing.CreateAsync(Org.ActorFor(Org.Requester),
            TicketFactory.Laptop(Org, "Rita's laptop", [new NewAttachment("screen.png", "image/png", [137, 80, 78, 71])]));
        ItTicketId = it.Id;
        HrTicketId = (await filing.CreateAsync(Org.ActorFor(Org.OtherRequester), TicketFactory.Payroll(Org, "Otto's payslip"))).Id;
        AttachmentId = (await reads.GetAsync(Org.ActorFor(Org.Requester), ItTicketId)).Attachments.Single().Id;
        var assets = Factory.Services.GetService(typeof(Portal.Core.Assets.AssetService)) as Portal.Core.Assets.AssetService ?? throw new InvalidOperationException();
        var laptopType = (await assets.ListTypesAsync()).Single(t => t.Name == "Laptop").Id;
        AssetId = await assets.CreateAsync(Org.ActorFor(Org.ItAgent), new Portal.Core.Assets.AssetInput("LT-PAGE", "Rita's ThinkPad", laptopType,
            Org.It.Id, AssignedToId: Org.Requester.Id, Site: "London"));
        await assets.LinkAsync(Org.ActorFor(Org.ItAgent), ItTicketId, AssetId);
    }

    public async Task DisposeAsync() => await Factory.DisposeAsync();
}
