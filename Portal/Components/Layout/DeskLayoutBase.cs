using Microsoft.AspNetCore.Components;
using Portal.Core.Common;
using Portal.Core.Departments;
using Portal.Core.Notifications;
using Portal.Core.Security;
using Portal.Core.Tickets;
using Portal.Core.Users;
using Portal.Security;

namespace Portal.Components.Layout;

/// <summary>
/// What both app layouts know: who is signed in, the departments they work in, their away status and the bell's unread
/// count, which counts again after each ticket change (notifications are written with the change that causes them).
/// </summary>
public abstract class DeskLayoutBase : LayoutComponentBase, IDisposable
{
    [Inject] private CurrentActor CurrentActor { get; set; } = default!;
    [Inject] private DepartmentDirectory Catalog { get; set; } = default!;
    [Inject] private NotificationService Notifications { get; set; } = default!;
    [Inject] private ActorService Actors { get; set; } = default!;
    [Inject] private TicketChangeFeed Feed { get; set; } = default!;
    [Inject] private BellSignal Bell { get; set; } = default!;
    [Inject] private Realtime.CircuitStatus Circuit { get; set; } = default!;
    private Realtime.LiveChanges? _live;

    protected Actor? Actor { get; private set; }
    protected IReadOnlyList<DepartmentOption> Departments { get; private set; } = [];
    protected int Unread { get; private set; }
    protected bool Away { get; private set; }

    /// <summary>Whether the bell counts live; the wallboard has no bell.</summary>
    protected virtual bool CountsLive => true;

    private bool _counting;
    private bool _countAgain;

    protected override async Task OnInitializedAsync()
    {
        try
        {
            Actor = await CurrentActor.GetAsync();
            Departments = await Catalog.ListWorkDepartmentsAsync(Actor);
            Unread = await Notifications.UnreadCountSharedAsync(Actor);
            Away = Actor.IsStaff && await Actors.IsAwayAsync(Actor);
            if (RendererInfo.IsInteractive && CountsLive)
            {
                // A change that says whom it notified, and not this person, leaves their count as it is.
                _live = new(Feed, Circuit, change => change.Notified is not { } notified || notified.Contains(Actor.UserId), _ => CountAgainAsync(),
                    InvokeAsync);
                Bell.Recount += OnRecount;
            }
        }
        catch (DeskForbiddenException)
        {
            Actor = null;
        }
    }

    protected async Task SetAwayAsync(bool away)
    {
        await Actors.SetAwayAsync(Actor!, away);
        Away = away;
    }

    private void OnRecount() => _ = InvokeAsync(CountAgainAsync);

    private async Task CountAgainAsync()
    {
        if (_counting)
        {
            _countAgain = true;
            return;
        }

        _counting = true;
        try
        {
            do
            {
                _countAgain = false;
                var unread = await Notifications.UnreadCountSharedAsync(Actor!);
                if (unread != Unread)
                {
                    Unread = unread;
                    StateHasChanged();
                }
            }
            while (_countAgain);
        }
        finally
        {
            _counting = false;
        }
    }

    public void Dispose()
    {
        _live?.Dispose();
        Bell.Recount -= OnRecount;
        GC.SuppressFinalize(this);
    }

    protected static string RoleText(Actor a) =>
        a.IsAdmin ? "Admin" : a.IsSupervisor ? "Supervisor" : a.IsAgent ? "Agent" : a.IsAuditor ? "Auditor" : "Employee";
}
