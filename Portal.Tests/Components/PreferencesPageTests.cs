using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Notifications;
using Portal.Features.Notifications;
using Portal.Tests.Support;

namespace Portal.Tests.Components;

public class PreferencesPageTests : IAsyncLifetime
{
    private TestDatabase _db = default!;
    private BunitContext _ctx = default!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        _ctx = DeskBunit.Create(_db, _db.Org.ItAgent, services =>
        {
            services.AddSingleton(_db.Get<PreferenceService>());
            services.AddSingleton(_db.Get<Microsoft.Extensions.Options.IOptions<DeliveryOptions>>());
        });
    }

    public async Task DisposeAsync()
    {
        await _ctx.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task TextMessagesWithoutANumber_AreRefusedNamingTheField_AndTheTicksStay()
    {
        var cut = _ctx.Render<PreferencesPage>();
        cut.WaitForElement("[data-testid=pref-Breach-Sms]").Change(true);
        cut.Find("[data-testid=pref-Reply-Email]").Change(false);
        cut.Find("[data-testid=save-preferences]").Click();

        cut.WaitForAssertion(() => Assert.Contains("A mobile number is needed for text messages.", cut.Markup));
        Assert.True(cut.Find("[data-testid=pref-Breach-Sms]").HasAttribute("checked"));

        cut.TextField("Mobile number").Find("input").Change("+44 7700 900123");
        cut.Find("[data-testid=save-preferences]").Click();
        cut.WaitForAssertion(() => Assert.DoesNotContain("A mobile number is needed", cut.Markup));
        var saved = await _db.Get<PreferenceService>().GetMineAsync(_db.Org.ActorFor(_db.Org.ItAgent));
        Assert.Equal(NotificationChannels.InApp | NotificationChannels.Email | NotificationChannels.Sms, saved.Channels[NotificationEvent.Breach]);
        Assert.Equal(NotificationChannels.InApp, saved.Channels[NotificationEvent.Reply]);
        Assert.Equal("+447700900123", saved.Phone);
    }
}
