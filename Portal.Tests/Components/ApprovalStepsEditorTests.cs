using Bunit;
using Portal.Core.Approvals;
using Portal.Core.Common;
using Portal.Features.Approvals;
using Portal.Tests.Support;

namespace Portal.Tests.Components;

/// <summary>The admin's editor of a category's approval steps.</summary>
public class ApprovalStepsEditorTests : IAsyncLifetime
{
    private TestDatabase _db = default!;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task AStepIsAdded_InWords_AndANamedPersonLeftUnchosen_IsRefusedNamingTheField()
    {
        await using var ctx = DeskBunit.Create(_db, _db.Org.Admin);
        var cut = ctx.Render<ApprovalStepsEditor>(p => p.Add(x => x.CategoryId, _db.Org.Laptop.Id));
        cut.WaitForAssertion(() => cut.Find("[data-testid=step-name]"));

        cut.Find("[data-testid=step-name]").Input("Manager");
        cut.Find("[data-testid=step-save]").Click();
        cut.WaitForAssertion(() => Assert.Contains("The requester's manager", cut.Find("[data-testid=approval-step-row]").TextContent), TimeSpan.FromSeconds(10));
        Assert.Contains("Always", cut.Find("[data-testid=approval-step-row]").TextContent);

        cut.Find("[data-testid=step-name]").Input("Data owner");
        var approver = cut.FindComponents<MudBlazor.MudSelect<ApproverKind>>().Single();
        await cut.InvokeAsync(() => approver.Instance.ValueChanged.InvokeAsync(ApproverKind.Person));
        cut.Find("[data-testid=step-save]").Click();
        cut.WaitForAssertion(() => Assert.Contains("Person: choose who approves", cut.Markup), TimeSpan.FromSeconds(10));
        Assert.Single(cut.FindAll("[data-testid=approval-step-row]"));
        Assert.Equal("Data owner", cut.Find("[data-testid=step-name]").GetAttribute("value")); // nothing typed is lost

        var person = cut.FindComponents<MudBlazor.MudSelect<string>>().Single();
        await cut.InvokeAsync(() => person.Instance.ValueChanged.InvokeAsync(_db.Org.HrAgent.Id));
        cut.Find("[data-testid=step-save]").Click();
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=approval-step-row]").Count), TimeSpan.FromSeconds(10));
        Assert.Contains(_db.Org.HrAgent.DisplayName, cut.FindAll("[data-testid=approval-step-row]")[1].TextContent);
        Assert.DoesNotContain("Person: choose", cut.Markup);
    }

    [Fact]
    public async Task OnlyAdmins_ShapeSteps_AndEachChangeIsAudited()
    {
        var admin = _db.Get<ApprovalAdminService>();
        await Assert.ThrowsAsync<DeskForbiddenException>(() => admin.SaveStepAsync(_db.Org.ActorFor(_db.Org.ItSupervisor),
            new ApprovalStepInput(null, _db.Org.Laptop.Id, 1, "Manager", ApproverKind.RequesterManager, null, null, null, ApprovalQuorum.One, 1, new())));
        await admin.SaveStepAsync(_db.Org.ActorFor(_db.Org.Admin),
            new ApprovalStepInput(null, _db.Org.Laptop.Id, 1, "Manager", ApproverKind.RequesterManager, null, null, null, ApprovalQuorum.One, 1, new()));
        var entries = await AuditFile.EntriesAsync(_db);
        Assert.Contains(entries, e => e.EntityType == "approval-step" && e.ActorId == _db.Org.Admin.Id);
    }

    [Fact]
    public async Task ATimeLimit_IsSetInWorkingHours_AReminderNotSoonerThanIt_IsRefusedNamingTheField_AndTheRowSaysWhatHappens()
    {
        await using var ctx = DeskBunit.Create(_db, _db.Org.Admin);
        var cut = ctx.Render<ApprovalStepsEditor>(p => p.Add(x => x.CategoryId, _db.Org.Laptop.Id));
        cut.WaitForAssertion(() => cut.Find("[data-testid=step-name]"));
        cut.Find("[data-testid=step-name]").Input("Manager");
        cut.Find("[data-testid=step-remind]").Change("16");
        cut.Find("[data-testid=step-limit]").Change("8");
        var timeout = cut.FindComponents<MudBlazor.MudSelect<ApprovalTimeout>>().Single();
        await cut.InvokeAsync(() => timeout.Instance.ValueChanged.InvokeAsync(ApprovalTimeout.Reject));
        var box = cut.Find("[data-testid=step-link-no-sign-in]");
        (box.TagName == "INPUT" ? box : box.QuerySelector("input")!).Change(true);
        cut.Find("[data-testid=step-save]").Click();
        cut.WaitForAssertion(() => Assert.Contains("Remind after: sooner than the time limit", cut.Markup), TimeSpan.FromSeconds(10));
        Assert.Empty(cut.FindAll("[data-testid=approval-step-row]"));

        cut.Find("[data-testid=step-remind]").Change("4");
        cut.Find("[data-testid=step-save]").Click();
        cut.WaitForAssertion(() => Assert.Contains("Remind after 4 h; limit 8 h, then reject; links without sign-in",
            cut.Find("[data-testid=approval-step-row]").TextContent), TimeSpan.FromSeconds(10));
        Assert.DoesNotContain("Remind after: sooner", cut.Markup);
        var saved = Assert.Single(await _db.Get<ApprovalAdminService>().StepsAsync(_db.Org.ActorFor(_db.Org.Admin), _db.Org.Laptop.Id));
        Assert.Equal((new ApprovalTiming(4, 8, ApprovalTimeout.Reject), true), (saved.Timing, saved.LinkWithoutSignIn));
    }
}
