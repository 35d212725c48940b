using Portal.Core.Security;
using Portal.Core.Tickets;

namespace Portal.Tests.Support;

public static class TicketFactory
{
    /// <summary>A valid laptop request from the given requester.</summary>
    public static NewTicketInput Laptop(TestOrg org, string title = "Laptop will not boot", IReadOnlyList<NewAttachment>? files = null) =>
        new(org.It.Id, org.Laptop.Id, title, "It shows a black screen since this morning.",
            new Dictionary<int, string?> { [org.AssetTag.Id] = "LT-1001", [org.Os.Id] = "Linux" }, files ?? []);

    public static NewTicketInput Payroll(TestOrg org, string title = "Overtime missing") =>
        new(org.Hr.Id, org.Payroll.Id, title, "My overtime from October is missing.", new Dictionary<int, string?>(), []);

    public static async Task<CreatedTicket> FileAsync(TestDatabase db, Actor requester, NewTicketInput? input = null) =>
        await db.Get<TicketService>().CreateAsync(requester, input ?? Laptop(db.Org));
}
