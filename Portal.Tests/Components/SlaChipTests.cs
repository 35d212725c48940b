using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MudBlazor.Services;
using Portal.Components.Shared;
using Portal.Core.Sla;

namespace Portal.Tests.Components;

/// <summary>The countdown chip in each SLA state: only running targets tick (in the browser), the rest say what they are.</summary>
public class SlaChipTests : IAsyncLifetime
{
    private static readonly DateTime Now = new(2026, 12, 8, 10, 0, 0, DateTimeKind.Utc);
    private readonly BunitContext _ctx = new();

    public Task InitializeAsync()
    {
        _ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        _ctx.Services.AddMudServices();
        _ctx.Services.AddSingleton<TimeProvider>(new FakeTimeProvider(new DateTimeOffset(Now)));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _ctx.DisposeAsync();

    private IRenderedComponent<SlaChip> Render(SlaState state, DateTime? due, TimeSpan elapsed, bool compact = false) =>
        _ctx.Render<SlaChip>(p => p
            .Add(c => c.Target, new SlaTargetView(SlaMetric.FirstResponse, state, TimeSpan.FromHours(1), elapsed, due, null,
                state == SlaState.Breached ? due : null, null))
            .Add(c => c.Compact, compact));

    [Fact]
    public void Running_TicksInTheBrowserFromTheDueInstant()
    {
        var cut = Render(SlaState.Running, Now.AddMinutes(20), TimeSpan.FromMinutes(40), compact: true);
        var live = cut.Find(".sla-live");
        Assert.Equal("2026-12-08T10:20:00Z", live.GetAttribute("data-due"));
        Assert.Equal("2026-12-08T10:00:00Z", live.GetAttribute("data-rendered"));
        Assert.Equal("Reply ", live.GetAttribute("data-prefix"));
        Assert.Equal("Reply 20m left", cut.Find(".sla-server").TextContent);
        Assert.Equal("running", cut.Find(".mud-chip").GetAttribute("data-state"));
    }

    [Fact]
    public void RunningPastItsDueInstant_ShowsAsBreachedWithoutWaitingForTheServer()
    {
        var cut = Render(SlaState.Running, Now.AddMinutes(-5), TimeSpan.FromMinutes(65));
        Assert.Equal("breached", cut.Find(".mud-chip").GetAttribute("data-state"));
        Assert.Equal("5m late", cut.Find(".sla-server").TextContent);
        Assert.Empty(cut.FindAll(".sla-live"));
    }

    [Fact]
    public void Paused_DoesNotTick_AndSaysWhatIsLeft()
    {
        var cut = Render(SlaState.Paused, null, TimeSpan.FromMinutes(15));
        Assert.Empty(cut.FindAll(".sla-live"));
        Assert.Equal("paused, 45m left", cut.Find(".sla-server").TextContent);
    }

    [Theory]
    [InlineData(SlaState.Met, "met")]
    [InlineData(SlaState.Missed, "missed")]
    public void Stopped_SaysHowItEnded(SlaState state, string text)
    {
        var cut = Render(state, Now.AddMinutes(-10), TimeSpan.FromMinutes(30));
        Assert.Equal(text, cut.Find(".sla-server").TextContent);
        Assert.Empty(cut.FindAll(".sla-live"));
    }

    [Fact]
    public void Idle_ShowsNothing() => Assert.Empty(Render(SlaState.Idle, null, TimeSpan.Zero).Markup.Trim());
}
