using Portal.Tests.Support;

namespace Portal.Tests.Integration;

/// <summary>A wrong schedule setting stops the app at start with a message naming it, before any job runs on it.</summary>
public sealed class SettingsAtStartTests
{
    private sealed class Configured(string key, string value) : PortalFactory
    {
        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { [key] = value };
    }

    [Theory]
    [InlineData("Desk:SweepSeconds", "0", "Desk:SweepSeconds must be between 1 and 3600 seconds.")]
    [InlineData("Notifications:DispatchSeconds", "-5", "Notifications:DispatchSeconds must be between 1 and 3600 seconds.")]
    [InlineData("Assets:MaintenanceMinutes", "60", "Assets:MaintenanceMinutes must be between 1 and 59 minutes.")]
    [InlineData("Audit:CheckpointMinutes", "0", "Audit:CheckpointMinutes must be between 1 and 59 minutes.")]
    [InlineData("Reports:ScheduleMinutes", "120", "Reports:ScheduleMinutes must be between 1 and 59 minutes.")]
    public async Task AScheduleOutOfRange_StopsTheStart_NamingTheSetting(string key, string value, string message)
    {
        await using var portal = new Configured(key, value);
        var failure = await Record.ExceptionAsync(() => portal.StartAsync(seedOrg: false));
        Assert.NotNull(failure);
        var messages = new List<string>();
        for (var e = failure; e is not null; e = e.InnerException)
            messages.Add(e.Message);
        Assert.Contains(messages, m => m.Contains(message, StringComparison.Ordinal));
    }
}
