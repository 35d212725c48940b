using Microsoft.AspNetCore.Components;
using MudBlazor;
using Portal.Components.Shared;
using Portal.Core.Common;
using Portal.Core.Departments;
using Portal.Core.Handling;
using Portal.Core.Security;

namespace Portal.Features.Tickets;

public partial class TicketPage
{
    private ReplyBox? _replyBox;
    [Parameter] public int Id { get; set; }
    private Actor? _actor;
    private TicketDetails? _ticket;
    private TicketEditModel? _edit;

    /// <summary>The version the agent's edit starts from: a change arriving live does not move it, so saving still detects the conflict.</summary>
    private int _editVersion;
    private IReadOnlyList<CategoryOption> _categories = [];
    private IReadOnlyList<NamedOption> _types = [];
    private IReadOnlyList<NamedOption> _teams = [];
    private IReadOnlyList<PersonRef> _assignees = [];
    private IReadOnlyList<string> _tagsInUse = [];
    private IReadOnlyList<FieldDefinition> _fields = [];
    private IReadOnlyDictionary<string, string> _errors = new Dictionary<string, string>();
    private string? _conflict;
    private bool _busy;

    private Portal.Realtime.LiveChanges? _live;

    /// <summary>Another person's change to this ticket, or the connection coming back, reads it again (keeping the edit in hand).</summary>
    protected override void OnInitialized() => _live = new(Feed, Circuit, change => change.TicketId == Id, async _ =>
    {
        if (_ticket is not null)
            await RefreshKeepingEditAsync();
        StateHasChanged();
    }, InvokeAsync);

    public void Dispose() => _live?.Dispose();

    protected override async Task OnParametersSetAsync()
    {
        if (!await GuardAsync(async () =>
        {
            _actor = await CurrentActor.GetAsync();
            _ticket = await TicketReads.GetAsync(_actor, Id);
            if (!_ticket.StaffView)
            {
                // A requester (or watcher) following a link from an email: the same ticket as they see it.
                _ticket = null;
                Navigation.NavigateTo(DeskRoutes.Request(Id), replace: true);
                return;
            }

            _edit = TicketEditModel.From(_ticket);
            _editVersion = _ticket.Version;
            _categories = await Directory.ListCategoriesAsync(_ticket.DepartmentId);
            _types = await Directory.ListTypesAsync();
            _teams = await Directory.ListTeamsAsync(_actor, _ticket.DepartmentId);
            _assignees = await Directory.ListAssigneesAsync(_actor, _ticket.DepartmentId);
            _tagsInUse = await TicketReads.TagsInUseAsync(_actor, _ticket.DepartmentId);
            _fields = await Directory.ListFieldsAsync(_actor, _ticket.CategoryId);
        }))
        {
            _ticket = null;
        }
    }

    private async Task OnCategoryChangedAsync(int categoryId)
    {
        _edit!.CategoryId = categoryId;
        _fields = await Directory.ListFieldsAsync(_actor!, categoryId);
    }

    private async Task SaveAsync()
    {
        _busy = true;
        try
        {
            await Tickets.UpdateAsync(_actor!, Id, _editVersion, _edit!.ToEdit());
            _conflict = null;
            _errors = new Dictionary<string, string>();
            _ticket = await TicketReads.GetAsync(_actor!, Id);
            _edit = TicketEditModel.From(_ticket);
            _editVersion = _ticket.Version;
            Snackbar.Add("Saved.", Severity.Success);
        }
        catch (DeskConflictException ex)
        {
            // Show the ticket as it now is, keep the agent's edit; saving again (having seen the differences) applies it on top.
            _conflict = ex.Message;
            _ticket = await TicketReads.GetAsync(_actor!, Id);
            _editVersion = _ticket.Version;
        }
        catch (DeskValidationException ex)
        {
            _errors = ex.Errors;
            Snackbar.Add("Not saved: " + string.Join(" ", ex.Errors.Values), Severity.Error);
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task DiscardMine()
    {
        _conflict = null;
        _edit = TicketEditModel.From(_ticket!);
        _editVersion = _ticket!.Version;
        _fields = await Directory.ListFieldsAsync(_actor!, _ticket!.CategoryId);
    }

    private async Task SendAsync(ReplyDraft draft)
    {
        await Tickets.ReplyAsync(_actor!, Id, draft.Body, draft.IsPublic, draft.Files);
        await RefreshKeepingEditAsync();
    }

    private async Task WatchAsync((string UserId, bool Watch) change)
    {
        try
        {
            await Tickets.SetWatcherAsync(_actor!, Id, change.UserId, change.Watch);
        }
        catch (DeskValidationException ex)
        {
            Snackbar.Add(string.Join(" ", ex.Errors.Values), Severity.Error);
        }

        await RefreshKeepingEditAsync();
    }

    /// <summary>Re-reads the ticket; an edit the agent has not saved stays as typed unless nothing was changed.</summary>
    private async Task RefreshKeepingEditAsync()
    {
        var before = _ticket!;
        _ticket = await TicketReads.GetAsync(_actor!, Id);
        if (_edit!.DifferencesFrom(before).Count == 0)
        {
            _edit = TicketEditModel.From(_ticket);
            _editVersion = _ticket.Version;
        }
    }
}
