using Portal.Components.Shared;
using Microsoft.AspNetCore.Components;
using Portal.Core.Common;
using Portal.Core.Handling;
using Portal.Core.Reporting;
using Portal.Core.Security;

namespace Portal.Features.Board;

public partial class BoardPage
{
    private const int PageRows = 25;
    // Read as text: a value that is not a yes or no (?wall=maybe) means the ordinary board, never a failed page.
    [SupplyParameterFromQuery(Name = "wall")] public string? WallText { get; set; }
    private bool Wall => QueryValues.Flag(WallText);
    private Actor? _actor;
    private BoardView? _view;
    private int _rows = PageRows;
    private int Shown => Math.Min(_view?.Tickets.Count ?? 0, Wall ? 15 : _rows);
    private string? _message;
    private bool _messageOk;
    private readonly Dictionary<int, IReadOnlyList<PersonRef>> _assignees = [];
    private int? _editing;
    private Timer? _timer;
    private Portal.Realtime.LiveChanges? _live;
    private bool _loading;
    private bool _again;

    protected override async Task OnInitializedAsync()
    {
        await GuardAsync(async () =>
        {
            _actor = await CurrentActor.GetAsync();
            await LoadAsync();
            // A change in a department the reader works, or the connection coming back, reads the board again.
            _live = new(Feed, Circuit, change => _actor.CanWorkIn(change.DepartmentId), _ => RefreshAsync(), InvokeAsync);
            // Targets move into warning and breach by time alone: look again every half minute too.
            _timer = new Timer(_ => _ = InvokeAsync(RefreshAsync), null, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30));
        });
    }

    private async Task LoadAsync() => _view = await Board.GetSharedAsync(_actor!);

    /// <summary>
    /// Reads at once; changes that arrive during a read cause one more read after it, so a burst (a sweep firing
    /// hundreds of levels) costs two reads, not hundreds, and a single change shows without waiting.
    /// </summary>
    private async Task RefreshAsync()
    {
        if (_loading)
        {
            _again = true;
            return;
        }

        _loading = true;
        try
        {
            do
            {
                _again = false;
                await LoadAsync();
                StateHasChanged();
            }
            while (_again);
        }
        finally
        {
            _loading = false;
        }
    }

    /// <summary>A button inside a row written as markup: "reassign" opens the select for that row.</summary>
    private async Task OnBoardActionAsync(BoardActionEventArgs e)
    {
        if (e.Action == "reassign" && _view?.Tickets.FirstOrDefault(t => t.Id == e.TicketId) is { } row)
            await EditAsync(row);
    }

    private async Task EditAsync(BoardTicket row)
    {
        if (!_assignees.ContainsKey(row.DepartmentId))
            _assignees[row.DepartmentId] = await Directory.ListAssigneesAsync(_actor!, row.DepartmentId);
        _editing = row.Id;
    }

    private string Name(int departmentId, string? id) =>
        id is null ? "Unassigned" : _assignees.GetValueOrDefault(departmentId)?.FirstOrDefault(p => p.Id == id)?.Name ?? "";

    private async Task ReassignAsync(BoardTicket row, string? assigneeId)
    {
        _editing = null;
        assigneeId = string.IsNullOrEmpty(assigneeId) ? null : assigneeId;
        try
        {
            var t = await TicketReads.GetAsync(_actor!, row.Id);
            await Tickets.UpdateAsync(_actor!, row.Id, t.Version, new TicketEdit(t.Status, t.Priority, t.CategoryId, t.TypeId, assigneeId, t.TeamId,
                t.Fields.ToDictionary(f => f.FieldId, f => f.Value)));
            (_message, _messageOk) = ($"{row.Key} is now with {Name(row.DepartmentId, assigneeId)}.", true);
        }
        catch (Exception ex) when (ex is DeskConflictException or DeskValidationException or DeskNotFoundException)
        {
            (_message, _messageOk) = (ex.Message, false);
        }

        await LoadAsync();
    }

    public void Dispose()
    {
        _live?.Dispose();
        _timer?.Dispose();
    }
}
