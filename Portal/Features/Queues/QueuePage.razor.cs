using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;
using Portal.Components.Shared;
using Portal.Core.Common;
using Portal.Core.Departments;
using Portal.Core.Handling;
using Portal.Core.Security;
using Portal.Core.Tickets;

namespace Portal.Features.Queues;

public partial class QueuePage
{
    [Parameter] public int DepartmentId { get; set; }
    [Inject] private IJSRuntime Js { get; set; } = default!;

    // The view as the address carries it (QueueView): read on every navigation, written on every change.
    [SupplyParameterFromQuery(Name = "q")] public string? Q { get; set; }
    [SupplyParameterFromQuery(Name = "status")] public string? StatusQuery { get; set; }
    [SupplyParameterFromQuery(Name = "closed")] public bool? ClosedQuery { get; set; }
    [SupplyParameterFromQuery(Name = "priority")] public string? PriorityQuery { get; set; }
    [SupplyParameterFromQuery(Name = "category")] public int? CategoryQuery { get; set; }
    [SupplyParameterFromQuery(Name = "assignee")] public string? AssigneeQuery { get; set; }
    [SupplyParameterFromQuery(Name = "team")] public int? TeamQuery { get; set; }
    [SupplyParameterFromQuery(Name = "tag")] public string? TagQuery { get; set; }
    [SupplyParameterFromQuery(Name = "sort")] public string? SortQuery { get; set; }
    [SupplyParameterFromQuery(Name = "dir")] public string? DirQuery { get; set; }
    [SupplyParameterFromQuery(Name = "page")] public int? PageQuery { get; set; }
    [SupplyParameterFromQuery(Name = "size")] public int? SizeQuery { get; set; }

    private Actor? _actor;
    private DepartmentOption? _department;
    private int? _loadedDepartment;
    private IReadOnlyList<CategoryOption> _categories = [];
    private IReadOnlyList<NamedOption> _teams = [];
    private IReadOnlyList<PersonRef> _assignees = [];
    private IReadOnlyList<string> _tags = [];
    private QueueView _view = new(new QueueFilter());
    private IReadOnlyList<TicketSummary> _page = [];
    private int _total;
    private bool _loading;

    /// <summary>The tickets picked for a macro, at the version each showed when picked; kept across pages and live updates.</summary>
    private readonly Dictionary<int, PickedTicket> _picked = [];

    private Portal.Realtime.LiveChanges? _live;
    private int? _highlight;

    /// <summary>
    /// A change in this department re-reads the page of the queue on screen (changes elsewhere are not even looked at);
    /// so does the connection coming back after a drop, rather than trust what was on screen.
    /// </summary>
    protected override void OnInitialized() => _live = new(Feed, Circuit,
        change => change.DepartmentId == DepartmentId && _department is not null, async change =>
        {
            if (change is not null)
                _highlight = change.Kind is TicketChangeKind.Created or TicketChangeKind.Escalated ? change.TicketId : _highlight;
            await LoadAsync();
            StateHasChanged();
        }, InvokeAsync);

    private bool _disposed;

    public void Dispose()
    {
        _disposed = true;
        _live?.Dispose();
    }

    protected override async Task OnParametersSetAsync()
    {
        var asked = QueueView.From(Q, StatusQuery, ClosedQuery, PriorityQuery, CategoryQuery, AssigneeQuery, TeamQuery, TagQuery, SortQuery, DirQuery,
            PageQuery, SizeQuery);
        if (_loadedDepartment == DepartmentId && _department is not null)
        {
            // Back, Forward or a link to another view of this queue; the page's own changes are already on screen.
            if (asked != _view)
            {
                _view = asked;
                await GuardAsync(LoadAsync);
            }

            return;
        }

        Problem = null;
        _department = null;
        _picked.Clear();
        _view = asked;
        await GuardAsync(async () =>
        {
            _actor = await CurrentActor.GetAsync();
            _department = await Directory.WorkDepartmentAsync(_actor, DepartmentId);
            _categories = await Directory.ListCategoriesAsync(DepartmentId);
            _teams = await Directory.ListTeamsAsync(_actor, DepartmentId);
            _assignees = await Directory.ListAssigneesAsync(_actor, DepartmentId);
            _tags = await TicketReads.TagsInUseAsync(_actor, DepartmentId);
            _loadedDepartment = DepartmentId;
            await LoadAsync();
        });
    }

    private async Task LoadAsync()
    {
        if (_actor is null || _department is null)
            return;
        _loading = true;
        try
        {
            var query = _view.Filter.ToQuery(DepartmentId, _actor.UserId) with
            {
                Sort = _view.Sort, Descending = _view.Descending, Page = _view.Page, PageSize = _view.PageSize,
            };
            var page = await Queues.QueryAsync(_actor, query);
            (_page, _total) = (page.Items, page.Total);
        }
        finally
        {
            _loading = false;
        }
    }

    private int Pages => Math.Max(1, (_total + _view.PageSize - 1) / _view.PageSize);

    private string PageRange => _total == 0 ? "No tickets"
        : $"{((_view.Page - 1) * _view.PageSize) + 1}–{Math.Min(_view.Page * _view.PageSize, _total)} of {_total}";

    /// <summary>The address of this queue showing <paramref name="view"/>.</summary>
    private string Href(QueueView view) =>
        Nav.GetUriWithQueryParameters(Nav.ToAbsoluteUri(DeskRoutes.Queue(DepartmentId)).ToString(), view.ToQuery());

    private string? AriaSort(QueueSort by) => _view.Sort != by ? null : _view.Descending ? "descending" : "ascending";

    /// <summary>Shows <paramref name="view"/> and writes it into the address (a new history entry, so Back returns to the last one).</summary>
    private async Task GoAsync(QueueView view, bool replace = false)
    {
        if (view == _view)
            return;
        _view = view;
        // Only while the queue is still the page shown, checked in the browser: a search box that settles as a ticket is
        // clicked must not pull the reader back from that ticket.
        if (!_disposed)
        {
            try
            {
                await Js.InvokeVoidAsync("deskNavigateIfOn", DeskRoutes.Queue(DepartmentId), Href(view), replace);
            }
            catch (JSDisconnectedException)
            {
                // The page is gone with its circuit; nothing to write.
            }
        }

        await GuardAsync(LoadAsync);
    }

    /// <summary>A filter changed: back to its first page; typing in the search box replaces the address rather than adding to history.</summary>
    private Task OnFilterChanged(QueueFilter filter) =>
        GoAsync(_view with { Filter = filter, Page = 1 }, replace: filter with { Text = _view.Filter.Text } == _view.Filter);

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
        await LoadAsync();
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

        await LoadAsync();
    }
}
