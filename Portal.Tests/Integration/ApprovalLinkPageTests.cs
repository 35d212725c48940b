using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Approvals;
using Portal.Core.Departments;
using Portal.Core.Handling;
using Portal.Core.Persistence;
using Portal.Core.Tickets;
using Portal.Tests.Support;

namespace Portal.Tests.Integration;

/// <summary>The page behind an approval email's links, over HTTP as a mail app's browser opens it: a plain form, no live connection.</summary>
public partial class ApprovalLinkPageTests(PortalWebFixture fx) : IClassFixture<PortalWebFixture>
{
    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    [GeneratedRegex("name=\"_handler\" value=\"([^\"]+)\"")]
    private static partial Regex HandlerPattern();

    /// <summary>A request in a category of its own (so the fixture's others need no approval), waiting for IT's supervisor; the link's token.</summary>
    private async Task<(int TicketId, string Token)> WaitingAsync(bool linkWithoutSignIn)
    {
        var services = fx.Factory.Services;
        int categoryId;
        await using (var db = await services.GetRequiredService<IDbContextFactory<DeskDbContext>>().CreateDbContextAsync())
        {
            var category = new Category { DepartmentId = fx.Org.It.Id, Name = $"Software {Guid.NewGuid():N}"[..30], Description = "Licences" };
            db.Categories.Add(category);
            await db.SaveChangesAsync();
            categoryId = category.Id;
            db.ApprovalSteps.Add(new ApprovalStep
            {
                CategoryId = categoryId, Order = 1, Name = "Supervisor", Approver = ApproverKind.Person, PersonId = fx.Org.ItSupervisor.Id,
                LinkWithoutSignIn = linkWithoutSignIn,
            });
            await services.GetRequiredService<Portal.Core.Operations.ConfigurationVersion>().SaveEditAsync(db);
        }

        var created = await services.GetRequiredService<TicketFiling>().CreateAsync(fx.Org.ActorFor(fx.Org.Requester),
            new NewTicketInput(fx.Org.It.Id, categoryId, "Design tool licence", "For the new brochure.", new Dictionary<int, string?>(), []));
        await using var check = await services.GetRequiredService<IDbContextFactory<DeskDbContext>>().CreateDbContextAsync();
        var row = await check.TicketApprovers.SingleAsync(p => check.TicketApprovals.Any(a => a.Id == p.ApprovalId && a.TicketId == created.Id));
        var token = services.GetRequiredService<ApprovalLinks>().Token(row.Id, row.UserId, DateTime.UtcNow.AddDays(7));
        return (created.Id, token);
    }

    private static async Task<HttpResponseMessage> SubmitAsync(HttpClient client, string url, string page, string choice, string reason)
    {
        var form = new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(TokenPattern().Match(page).Groups[1].Value),
            ["_handler"] = WebUtility.HtmlDecode(HandlerPattern().Match(page).Groups[1].Value),
            ["Form.Choice"] = choice, ["Form.Reason"] = reason,
        };
        return await client.PostAsync(url, new FormUrlEncodedContent(form));
    }

    private async Task<TicketStatus> StatusAsync(int ticketId)
    {
        await using var db = await fx.Factory.Services.GetRequiredService<IDbContextFactory<DeskDbContext>>().CreateDbContextAsync();
        return await db.Tickets.Where(t => t.Id == ticketId).Select(t => t.Status).SingleAsync();
    }

    [Fact]
    public async Task WithoutSignIn_ThePageShowsTheRequest_ARejectionWithoutReasonIsRefusedKeepingNothingLost_AndWithOneItCloses()
    {
        var (ticketId, token) = await WaitingAsync(linkWithoutSignIn: true);
        var client = fx.Factory.ClientFor(null);
        var url = $"{ApprovalLinks.Path}?t={token}&choice=reject";
        var page = await client.GetStringAsync(url);
        Assert.Contains("Design tool licence", page);
        Assert.Contains("Rita Requester", page);
        Assert.Contains("data-testid=\"link-confirm\"", page);

        var refused = await SubmitAsync(client, url, page, "reject", "  ");
        var refusedPage = await refused.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("data-testid=\"link-error\"", refusedPage);
        Assert.Contains("Reason", refusedPage);
        Assert.Equal(TicketStatus.AwaitingApproval, await StatusAsync(ticketId));

        var done = await SubmitAsync(client, url, refusedPage, "reject", "Use the free one");
        Assert.Contains("Rejected: the request is closed", await done.Content.ReadAsStringAsync());
        Assert.Equal(TicketStatus.Closed, await StatusAsync(ticketId));

        // The same link again: used.
        Assert.Contains("A link works once", await client.GetStringAsync(url));
    }

    [Fact]
    public async Task AStepThatAsksToSignIn_SendsAVisitorToSignInAndBack_AndTellsSomeoneElseWhoTheLinkIsFor()
    {
        var (ticketId, token) = await WaitingAsync(linkWithoutSignIn: false);
        var url = $"{ApprovalLinks.Path}?t={token}&choice=approve";
        var anonymous = await fx.Factory.ClientFor(null).GetAsync(url);
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.StartsWith("/account/login?returnUrl=", anonymous.Headers.Location!.OriginalString.Replace("http://localhost", "", StringComparison.Ordinal));
        Assert.Contains(Uri.EscapeDataString("/approvals/link?t="), anonymous.Headers.Location!.OriginalString);

        var other = await fx.Factory.ClientFor(fx.Org.ItAgent.Id).GetStringAsync(url);
        Assert.Contains($"This link was sent to {fx.Org.ItSupervisor.DisplayName}", other);

        var approver = fx.Factory.ClientFor(fx.Org.ItSupervisor.Id);
        var page = await approver.GetStringAsync(url);
        var done = await SubmitAsync(approver, url, page, "approve", "");
        Assert.Contains("Approved: thank you. The work on the request starts.", await done.Content.ReadAsStringAsync());
        Assert.Equal(TicketStatus.New, await StatusAsync(ticketId));
    }
}
