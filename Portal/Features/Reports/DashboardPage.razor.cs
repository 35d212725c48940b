using Microsoft.AspNetCore.Components;
using Portal.Components.Shared;
using Portal.Core.Common;
using Portal.Core.Departments;
using Portal.Core.Reporting;
using Portal.Core.Security;

namespace Portal.Features.Reports;

public partial class DashboardPage
{
    [Parameter] public int? Id { get; set; }

    private Actor? _actor;
    private string? _message;
    private Dashboard? _dashboard;
    private IReadOnlyList<DashboardSummary> _list = [];
    private IReadOnlyList<WidgetView> _views = [];
    private IReadOnlyList<DepartmentOption> _departments = [];
    private IReadOnlyList<DepartmentOption> _shareable = [];
    private IReadOnlyList<NamedOption> _types = [];
    private DateTime _updated;
    private List<Widget>? _draft;
    private string _draftName = "";
    private int _draftShare;
    private bool _saving;
    private bool _confirmDelete;
    private Dictionary<string, string> _errors = [];
    private ITimer? _debounce;
    private HashSet<int> _watched = [];

    private Portal.Realtime.LiveChanges? _live;

    /// <summary>A change in a department the dashboard counts (or the connection coming back) renders the widgets again, at most every 2 s.</summary>
    protected override void OnInitialized() => _live = new(Feed, Circuit, change => _dashboard is not null && _watched.Contains(change.DepartmentId),
        _ => RenderSoon(), InvokeAsync);

    protected override async Task OnParametersSetAsync()
    {
        if (!await GuardAsync(async () =>
        {
            _actor ??= await CurrentActor.GetAsync();
            _departments = await Directory.ListReadableDepartmentsAsync(_actor);
            _shareable = _actor.IsAdmin ? _departments : _departments.Where(d => _actor.DepartmentIds.Contains(d.Id)).ToList();
            _watched = _departments.Select(d => d.Id).ToHashSet();
            _types = await Directory.ListTypesAsync();
            _list = await Dashboards.ListAsync(_actor);
            _dashboard = Id is { } id ? await Dashboards.GetAsync(_actor, id) : DashboardService.DefaultFor(_actor);
            _draft = null;
            _errors = [];
            await RenderWidgetsAsync();
        }))
        {
            _dashboard = null;
        }
    }

    private async Task RenderWidgetsAsync()
    {
        _views = await Dashboards.RenderAsync(_actor!, _draft ?? _dashboard!.Widgets);
        _updated = Clock.GetUtcNow().UtcDateTime;
    }

    /// <summary>A change in a department on screen re-reads the figures, at most once every two seconds.</summary>
    private Task RenderSoon()
    {
        _debounce ??= Clock.CreateTimer(_ => _ = InvokeAsync(async () =>
        {
            _debounce?.Dispose();
            _debounce = null;
            if (_dashboard is null)
                return;
            await RenderWidgetsAsync();
            StateHasChanged();
        }), null, TimeSpan.FromSeconds(2), Timeout.InfiniteTimeSpan);
        return Task.CompletedTask;
    }

    private void Open(int id) => Nav.NavigateTo(id == 0 ? DeskRoutes.Dashboards : DeskRoutes.Dashboard(id));

    private void Edit()
    {
        _confirmDelete = false;
        _changing = null;
        _draft = _dashboard!.Widgets.ToList();
        _draftName = _dashboard.Name;
        _draftShare = _dashboard.SharedWithDepartmentId ?? 0;
    }

    private async Task Copy()
    {
        _dashboard = _dashboard! with { Id = null, Name = $"{_dashboard.Name} (copy)", SharedWithDepartmentId = null, Version = 0, CanEdit = true };
        Edit();
        await RenderWidgetsAsync();
    }

    private async Task New()
    {
        _dashboard = new Dashboard(null, "My dashboard", [], null, 0, true);
        Edit();
        await RenderWidgetsAsync();
    }

    private async Task Cancel()
    {
        _draft = null;
        _errors = [];
        _dashboard = Id is { } id ? await Dashboards.GetAsync(_actor!, id) : DashboardService.DefaultFor(_actor!);
        await RenderWidgetsAsync();
    }

    private Widget? _changing;

    /// <summary>A new widget goes last; a changed one keeps its place.</summary>
    private async Task Add(Widget widget)
    {
        var at = _draft!.FindIndex(w => w.Id == widget.Id);
        if (at >= 0)
            _draft[at] = widget;
        else
            _draft.Add(widget);
        _changing = null;
        await RenderWidgetsAsync();
    }

    private async Task MoveAsync(int index, int by)
    {
        var to = index + by;
        if (_draft is null || to < 0 || to >= _draft.Count)
            return;
        (_draft[index], _draft[to]) = (_draft[to], _draft[index]);
        await RenderWidgetsAsync();
    }

    private async Task ResizeAsync(int index)
    {
        var sizes = Enum.GetValues<WidgetSize>();
        var w = _draft![index];
        _draft[index] = w with { Size = sizes[(Array.IndexOf(sizes, w.Size) + 1) % sizes.Length] };
        await RenderWidgetsAsync();
    }

    private async Task RemoveAsync(int index)
    {
        if (_changing?.Id == _draft![index].Id)
            _changing = null;
        _draft!.RemoveAt(index);
        await RenderWidgetsAsync();
    }

    private async Task Save()
    {
        _saving = true;
        try
        {
            var saved = await Dashboards.SaveAsync(_actor!, new DashboardInput(_dashboard!.Id, _draftName, _draftShare == 0 ? null : _draftShare, _draft!, _dashboard.Version));
            _errors = [];
            if (saved.Id != Id)
            {
                Nav.NavigateTo(DeskRoutes.Dashboard(saved.Id!.Value));
                return;
            }

            _dashboard = saved;
            _draft = null;
            _list = await Dashboards.ListAsync(_actor!);
            await RenderWidgetsAsync();
        }
        catch (DeskValidationException ex)
        {
            _errors = ex.Errors.ToDictionary();
        }
        catch (Exception ex) when (ex is DeskConflictException or DeskForbiddenException or DeskNotFoundException)
        {
            _message = ex.Message; // the draft stays on screen, nothing typed is lost
        }
        finally
        {
            _saving = false;
        }
    }

    private async Task Delete()
    {
        try
        {
            await Dashboards.DeleteAsync(_actor!, _dashboard!.Id!.Value);
            Nav.NavigateTo(DeskRoutes.Dashboards);
        }
        catch (Exception ex) when (ex is DeskForbiddenException or DeskNotFoundException)
        {
            _message = ex.Message;
        }
    }

    public void Dispose()
    {
        _live?.Dispose();
        _debounce?.Dispose();
    }
}
