using Microsoft.AspNetCore.Components;
using MudBlazor;
using Portal.Core.Common;
using Portal.Core.Departments;
using Portal.Core.Handling;
using Portal.Core.Security;
using Portal.Core.Tickets;

namespace Portal.Features.Queues;

public partial class QueuePage
{
    [Parameter] public int DepartmentId { get; set; }
    private Actor? _actor;
    private DepartmentOption? _department;
    private IReadOnlyList<CategoryOption> _categories = [];
    private IReadOnlyList<NamedOption> _teams = [];
    private IReadOnlyList<PersonRef> _assignees = [];
    private IReadOnlyList<string> _tags = [];
    private QueueFilter _filter = new();
    private MudTable<TicketSummary>? _table;
    private int _total;
    private IReadOnlyList<TicketSummary> _page = [];

    /// <summary>The tickets picked for a macro, at the version each showed when picked; kept across pages and live updates.</summary>
    private readonly Dictionary<int, PickedTicket> _picked = [];

    private Portal.Realtime.LiveChanges? _live;

    /// <summary>
    /// A change in this department re-reads the page of the queue on screen (changes elsewhere are not even looked at);
    /// so does the connection coming back after a drop, rather than trust what was on screen.
    /// </summary>
    protected override void OnInitialized() => _live = new(Feed, Circuit,
        change => change.DepartmentId == DepartmentId && _department is not null, async change =>
        {
            if (change is not null)
                _highlight = change.Kind is TicketChangeKind.Created or TicketChangeKind.Escalated ? change.TicketId : _highlight;
            if (_table is not null)
                await _table.ReloadServerData();
            StateHasChanged();
        }, InvokeAsync);

    public void Dispose() => _live?.Dispose();

    private int? _highlight;

    protected override async Task OnParametersSetAsync()
    {
        Problem = null;
        _department = null;
        await GuardAsync(async () =>
        {
            _actor = await CurrentActor.GetAsync();
            _department = await Directory.WorkDepartmentAsync(_actor, DepartmentId);
            _categories = await Directory.ListCategoriesAsync(DepartmentId);
            _teams = await Directory.ListTeamsAsync(_actor, DepartmentId);
            _assignees = await Directory.ListAssigneesAsync(_actor, DepartmentId);
            _tags = await TicketReads.TagsInUseAsync(_actor, DepartmentId);
            _filter = new QueueFilter();
            _picked.Clear();
            if (_table is not null)
                await _table.ReloadServerData();
        });
    }

    private async Task<TableData<TicketSummary>> LoadAsync(TableState state, CancellationToken ct)
    {
        var sort = Enum.TryParse<QueueSort>(state.SortLabel, out var s) ? s : QueueSort.Updated;
        var descending = state.SortDirection != SortDirection.Ascending;
        var query = _filter.ToQuery(DepartmentId, _actor!.UserId) with
        {
            Sort = sort, Descending = descending, Page = state.Page + 1, PageSize = state.PageSize,
        };
        var page = await Queues.QueryAsync(_actor!, query, ct);
        if (_total != page.Total)
        {
            _total = page.Total;
            StateHasChanged();
        }

        _page = page.Items;
        return new TableData<TicketSummary> { Items = page.Items, TotalItems = page.Total };
    }

    private bool? PageState => _page.Count == 0 || _page.All(t => !_picked.ContainsKey(t.Id)) ? false
        : _page.All(t => _picked.ContainsKey(t.Id)) ? true : null;

    private void Pick(TicketSummary row, bool on)
    {
        if (on)
            _picked[row.Id] = new PickedTicket(row.Id, row.Version);
        else
            _picked.Remove(row.Id);
    }

    private void PickPage(bool? on)
    {
        var all = PageState != true;
        foreach (var row in _page)
            Pick(row, all);
    }

    private async Task AfterPickedAsync()
    {
        _picked.Clear();
        if (_table is not null)
            await _table.ReloadServerData();
    }

    private async Task OnFilterChanged(QueueFilter filter)
    {
        _filter = filter;
        if (_table is not null)
            await _table.ReloadServerData();
    }

    private async Task TakeAsync(TicketSummary row)
    {
        try
        {
            var current = await TicketReads.GetAsync(_actor!, row.Id);
            if (current.Assignee is { } taken && taken.Id != _actor!.UserId)
            {
                Snackbar.Add($"{row.Key} was just taken by {taken.Name}.", Severity.Warning);
            }
            else
            {
                await Tickets.AssignToMeAsync(_actor!, row.Id, current.Version);
                Snackbar.Add($"{row.Key} is yours now.", Severity.Success);
            }
        }
        catch (Exception ex) when (ex is DeskConflictException or DeskValidationException or DeskNotFoundException)
        {
            Snackbar.Add(ex.Message, Severity.Warning);
        }

        if (_table is not null)
            await _table.ReloadServerData();
    }
}
