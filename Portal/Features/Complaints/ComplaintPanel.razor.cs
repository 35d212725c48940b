using Microsoft.AspNetCore.Components;
using Portal.Core.Common;
using Portal.Core.Complaints;
using Portal.Core.Security;

namespace Portal.Features.Complaints;

public partial class ComplaintPanel
{
    [Parameter, EditorRequired] public int TicketId { get; set; }
    [Parameter, EditorRequired] public Actor Actor { get; set; } = default!;

    /// <summary>Told after a save, so the ticket page can read the ticket again.</summary>
    [Parameter] public EventCallback Saved { get; set; }

    private ComplaintDetails? _details;
    private ComplaintModel _model = new();
    private IReadOnlyDictionary<string, string> _errors = new Dictionary<string, string>();
    private IReadOnlyList<string> _missing = [];
    private string? _saved;
    private bool _busy, _conflict;

    protected override async Task OnParametersSetAsync()
    {
        if (_details?.TicketId != TicketId)
            await ReloadAsync();
    }

    private async Task ReloadAsync()
    {
        _details = await Complaints.GetAsync(Actor, TicketId);
        _model = _details is null ? new ComplaintModel() : ComplaintModel.From(_details.Form);
        (Problem, _conflict, _errors) = (null, false, new Dictionary<string, string>());
        Measure();
    }

    private void Measure() => _missing = _details is null
        ? []
        : ComplaintService.MissingOutcome(new Complaint
        {
            RootCause = _details.Form.RootCause, Outcome = _details.Form.Outcome, Redress = _details.Form.Redress, LessonsLearned = _details.Form.LessonsLearned,
        });

    private string? Err(string key) => _errors.TryGetValue(key, out var e) ? e : null;

    private async Task SaveAsync()
    {
        (_busy, Problem, _saved) = (true, null, null);
        try
        {
            var edit = _model.ToEdit(Clock.GetUtcNow().UtcDateTime, _details!.Form.ReceivedAt);
            var version = await Complaints.SaveAsync(Actor, TicketId, _details.Version, edit);
            _details = _details with { Form = edit, Version = version };
            _errors = new Dictionary<string, string>();
            _saved = "Saved.";
            Measure();
            await Saved.InvokeAsync();
        }
        catch (DeskValidationException ex)
        {
            _errors = ex.Errors;
            Problem = string.Join(" ", ex.Errors.Values);
        }
        catch (DeskConflictException ex)
        {
            _conflict = true;
            Problem = ex.Message;
        }
        catch (DeskForbiddenException ex)
        {
            await RefusedAsync(ex);
        }
        finally
        {
            _busy = false;
        }
    }
}
