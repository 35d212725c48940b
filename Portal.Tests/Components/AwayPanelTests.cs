using Bunit;
using Portal.Features.Approvals;
using Portal.Tests.Support;

namespace Portal.Tests.Components;

/// <summary>"While you are away" on My approvals: errors name their field and keep what was typed; a delegation is listed and ends.</summary>
public class AwayPanelTests : IAsyncLifetime
{
    private TestDatabase _db = default!;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task AnUnknownEmail_IsRefusedNamingTheField_ThenADelegationIsListed_AndEnds()
    {
        await using var ctx = DeskBunit.Create(_db, _db.Org.ItSupervisor);
        var cut = ctx.Render<AwayPanel>(p => p.Add(x => x.Actor, _db.Org.ActorFor(_db.Org.ItSupervisor)));

        cut.Find("[data-testid=delegate-email]").Change("nobody@acme.example");
        cut.Find("[data-testid=delegate-save]").Click();
        cut.WaitForAssertion(() => Assert.Contains("Delegate: no active person has the email nobody@acme.example.", cut.Markup), TimeSpan.FromSeconds(10));
        Assert.Contains("From: the first day away is required.", cut.Markup);
        Assert.Equal("nobody@acme.example", cut.Find("[data-testid=delegate-email]").GetAttribute("value"));
        Assert.Empty(cut.FindAll("[data-testid=delegation]"));

        // A delegation made elsewhere (the same service the panel calls) shows, and the panel ends it.
        var today = DateOnly.FromDateTime(_db.Clock.GetUtcNow().UtcDateTime);
        await _db.Get<Portal.Core.Approvals.ApprovalService>().DelegateAsync(_db.Org.ActorFor(_db.Org.ItSupervisor), _db.Org.ItAgent.Email, today, today.AddDays(2));
        var again = ctx.Render<AwayPanel>(p => p.Add(x => x.Actor, _db.Org.ActorFor(_db.Org.ItSupervisor)));
        again.WaitForAssertion(() => Assert.Contains(_db.Org.ItAgent.DisplayName, again.Find("[data-testid=delegation]").TextContent));
        again.Find("[data-testid=delegation] button").Click();
        again.WaitForAssertion(() => Assert.Empty(again.FindAll("[data-testid=delegation]")), TimeSpan.FromSeconds(10));
    }
}
