namespace Portal.Components.Layout;

/// <summary>Per circuit: a page that changed the signed-in person's notifications asks the bell to count again.</summary>
public sealed class BellSignal
{
    public event Action? Recount;

    public void Changed() => Recount?.Invoke();
}
