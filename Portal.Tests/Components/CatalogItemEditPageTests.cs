using Bunit;
using Portal.Core.Catalog;
using Portal.Features.Catalog;
using Portal.Tests.Support;

namespace Portal.Tests.Components;

/// <summary>The admin's catalog item editor: prerequisites named by their task, a task added and saved, a missing title named.</summary>
public class CatalogItemEditPageTests : IAsyncLifetime
{
    private TestDatabase _db = default!;
    private BunitContext _ctx = default!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        _ctx = DeskBunit.Create(_db, _db.Org.Admin);
    }

    public async Task DisposeAsync()
    {
        await _ctx.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task TheEditor_NamesEachPrerequisiteByItsTask_AndSavesAnAddedTask_OrNamesWhatIsMissing()
    {
        var onboarding = (await _db.Get<ServiceCatalog>().ListAsync()).Single(i => i.Name == "Onboarding a new hire");
        var cut = _ctx.Render<CatalogItemEditPage>(p => p.Add(x => x.Id, onboarding.Id));
        cut.WaitForAssertion(() => Assert.Equal(4, cut.FindAll("[data-testid=item-task]").Count));
        // The accounts task waits for the contract, named as such (not as the task the loop ended on).
        Assert.Contains("1. Prepare the employment contract", cut.FindAll("[data-testid=item-task]")[1].TextContent);

        cut.Find("[data-testid=add-task]").Click();
        cut.Find("[data-testid=save-item]").Click();
        cut.WaitForAssertion(() => Assert.Contains("Task 5: title is required.", cut.Markup));

        cut.FindAll("[data-testid=task-title]").Last().Change("Order business cards");
        cut.Find("[data-testid=save-item]").Click();
        cut.WaitForAssertion(() => Assert.Equal("Order business cards",
            _db.Get<CatalogAdmin>().GetAsync(_db.Org.ActorFor(_db.Org.Admin), onboarding.Id).GetAwaiter().GetResult().Tasks[^1].Title));
        Assert.Equal(5, (await _db.Get<CatalogAdmin>().GetAsync(_db.Org.ActorFor(_db.Org.Admin), onboarding.Id)).Tasks.Count);
    }
}
