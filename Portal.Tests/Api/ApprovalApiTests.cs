using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Approvals;
using Portal.Core.Persistence;
using Portal.Core.Admin;
using Portal.Core.Users;
using Portal.Tests.Integration;
using Portal.Tests.Support;

namespace Portal.Tests.Api;

/// <summary>Approvals over the API: the same rules as the pages, errors as problem details.</summary>
public sealed class ApprovalApiTests(PortalWebFixture fx) : IClassFixture<PortalWebFixture>
{
    private async Task<HttpClient> ClientAsync(DeskUser user)
    {
        var made = await fx.Factory.Services.GetRequiredService<ApiTokenService>().CreateAsync(fx.Org.ActorFor(user), user.Id, "approvals",
            [ApiScopes.TicketsRead, ApiScopes.TicketsWrite], null);
        var client = fx.Factory.ClientFor(null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", made.Secret);
        return client;
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    [Fact]
    public async Task AnApprover_SeesWhatWaits_AndDecides_TheRequesterReadsTheSteps()
    {
        // A category of its own, so the fixture's other tickets stay as they are: an expense claim needs Sue's yes.
        int categoryId;
        await using (var db = await fx.Factory.Services.GetRequiredService<IDbContextFactory<DeskDbContext>>().CreateDbContextAsync())
        {
            var category = new Portal.Core.Departments.Category { DepartmentId = fx.Org.Hr.Id, Name = "Expense claim " + Guid.NewGuid().ToString("N")[..5] };
            db.Categories.Add(category);
            await db.SaveChangesAsync();
            categoryId = category.Id;
            db.ApprovalSteps.Add(new ApprovalStep { CategoryId = categoryId, Order = 1, Name = "Budget holder", Approver = ApproverKind.Person, PersonId = fx.Org.ItSupervisor.Id });
            await ((Portal.Core.Operations.ConfigurationVersion)fx.Factory.Services.GetService(typeof(Portal.Core.Operations.ConfigurationVersion))!).SaveEditAsync(db);
        }

        var rita = await ClientAsync(fx.Org.Requester);
        var filed = await rita.PostAsJsonAsync("/api/v1/tickets", new { departmentId = fx.Org.Hr.Id, categoryId, title = "Train to the Leeds office", description = "Return ticket, 84 pounds." });
        Assert.Equal(HttpStatusCode.Created, filed.StatusCode);
        var ticket = await JsonAsync(filed);
        Assert.Equal("AwaitingApproval", ticket.GetProperty("status").GetString());
        var key = ticket.GetProperty("key").GetString();

        var sue = await ClientAsync(fx.Org.ItSupervisor);
        var mine = (await JsonAsync(await sue.GetAsync("/api/v1/approvals/mine"))).EnumerateArray().Single(a => a.GetProperty("key").GetString() == key);
        var approvalId = mine.GetProperty("approvalId").GetInt32();
        Assert.Equal("Budget holder", mine.GetProperty("stepName").GetString());

        // The requester may not decide; a rejection without a reason names the field; then a real one; then it is decided.
        Assert.Equal(HttpStatusCode.Forbidden, (await rita.PostAsJsonAsync($"/api/v1/approvals/{approvalId}/decision", new { approve = true })).StatusCode);
        var noReason = await sue.PostAsJsonAsync($"/api/v1/approvals/{approvalId}/decision", new { approve = false });
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Contains("Reason", (await JsonAsync(noReason)).GetProperty("errors").EnumerateObject().Select(p => p.Name));
        var rejected = await sue.PostAsJsonAsync($"/api/v1/approvals/{approvalId}/decision", new { approve = false, reason = "Book through the travel desk" });
        Assert.Equal(HttpStatusCode.OK, rejected.StatusCode);
        Assert.Equal("Rejected", (await JsonAsync(rejected)).GetProperty("stepState").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await sue.PostAsJsonAsync($"/api/v1/approvals/{approvalId}/decision", new { approve = true })).StatusCode);

        var steps = (await JsonAsync(await rita.GetAsync($"/api/v1/tickets/{key}/approvals"))).EnumerateArray().Single();
        var approver = steps.GetProperty("approvers").EnumerateArray().Single();
        Assert.Equal(("Rejected", "Book through the travel desk"), (steps.GetProperty("state").GetString(), approver.GetProperty("reason").GetString()));
    }
}
