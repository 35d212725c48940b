using Portal.Core.Security;
using Portal.Core.Tickets;
using Portal.Core.Handling;

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
        await db.Get<TicketFiling>().CreateAsync(requester, input ?? Laptop(db.Org));

    /// <summary>The seeded "Onboarding a new hire" catalog item requested for Nina Novak (HR's request, with its tasks).</summary>
    public static async Task<CreatedTicket> OnboardingAsync(TestDatabase db, Actor requester, string? note = null)
    {
        var catalog = db.Get<Portal.Core.Catalog.ServiceCatalog>();
        var onboarding = (await catalog.ListAsync()).Single(i => i.Name == "Onboarding a new hire");
        var form = await catalog.GetFormAsync(onboarding.Id);
        return await catalog.RequestAsync(requester, onboarding.Id, new Dictionary<int, string?>
        {
            [form.Fields.Single(f => f.Label == "New hire's name").Id] = "Nina Novak",
            [form.Fields.Single(f => f.Label == "First day").Id] = "2026-12-07",
        }, note);
    }
}
