using Portal.Realtime;

namespace Portal.Tests.Core;

public class CircuitStatusTests
{
    [Fact]
    public async Task Reconnected_IsRaisedOnlyWhenTheConnectionComesBackAfterDropping()
    {
        var status = new CircuitStatus();
        var raised = 0;
        status.Reconnected += () =>
        {
            raised++;
            return Task.CompletedTask;
        };

        await status.OnConnectionUpAsync(null!, CancellationToken.None);
        Assert.Equal(0, raised);
        await status.OnConnectionDownAsync(null!, CancellationToken.None);
        await status.OnConnectionUpAsync(null!, CancellationToken.None);
        Assert.Equal(1, raised);
        await status.OnConnectionUpAsync(null!, CancellationToken.None);
        Assert.Equal(1, raised);
    }
}
