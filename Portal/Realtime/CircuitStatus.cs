using Microsoft.AspNetCore.Components.Server.Circuits;

namespace Portal.Realtime;

/// <summary>
/// Knows when this browser tab's live connection came back after dropping (Blazor shows "reconnecting" meanwhile),
/// so that live pages read their data again instead of showing what they had before the drop.
/// </summary>
public sealed class CircuitStatus : CircuitHandler
{
    private bool _wasDown;

    public event Func<Task>? Reconnected;

    public override Task OnConnectionDownAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        _wasDown = true;
        return Task.CompletedTask;
    }

    public override async Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        if (!_wasDown)
            return;
        _wasDown = false;
        foreach (var handler in Reconnected?.GetInvocationList().Cast<Func<Task>>() ?? [])
            await handler();
    }
}
