using Microsoft.AspNetCore.Components;
using MudBlazor;
using Portal.Components.Shared;
using Portal.Core.Admin;
using Portal.Core.Common;
using Portal.Core.Departments;
using Portal.Core.Sla;

namespace Portal.Features.Sla;

public partial class PolicyEditPage
{
    [Parameter] public int? Id { get; set; }
    private PolicyModel _m = new();
    private IReadOnlyList<CalendarRow> _calendars = [];
    private IReadOnlyList<DepartmentRow> _departments = [];
    private List<(int Id, string Name)> _categories = [];
    private List<(int Id, string Name)> _fields = [];
    private IReadOnlyList<NamedOption> _types = [];
    private bool _loaded;
    private IReadOnlyDictionary<string, string> _errors = new Dictionary<string, string>();

    protected override async Task OnParametersSetAsync()
    {
        await GuardAsync(async () =>
        {
            var actor = await CurrentActor.GetAsync();
            (_calendars, _) = await Admin.ListAsync(actor);
            _departments = await Departments.ListAsync(actor);
            _types = await Directory.ListTypesAsync();
            _categories = [];
            _fields = [];
            foreach (var d in _departments)
            {
                var view = await Departments.GetAsync(actor, d.Id);
                foreach (var c in view.Categories)
                {
                    _categories.Add((c.Id, $"{d.Code}: {c.Name}"));
                    _fields.AddRange(c.Fields.Select(f => (f.Id, $"{d.Code}: {c.Name} / {f.Label}")));
                }
            }

            _m = Id is { } id ? PolicyModel.From(await Admin.GetPolicyAsync(actor, id)) : new PolicyModel { CalendarId = _calendars.FirstOrDefault()?.Id ?? 0 };
            _loaded = true;
        });
    }

    private PolicyInput ToInput() => _m.ToInput(Id);
    private bool Has(string key) => _errors.ContainsKey(key);
    private string? Err(string key) => _errors.GetValueOrDefault(key);

    private async Task SaveAsync()
    {
        try
        {
            var actor = await CurrentActor.GetAsync();
            var result = await Admin.SavePolicyAsync(actor, ToInput());
            _errors = new Dictionary<string, string>();
            Snackbar.Add(result.Recomputing > 0 ? $"Saved. Recomputing the SLA of {result.Recomputing} open ticket(s) in the background." : "Saved.", Severity.Success);
            if (Id is null)
                Navigation.NavigateTo(DeskRoutes.Policy(result.Id));
            else
                _m.Version++;
        }
        catch (DeskValidationException ex)
        {
            _errors = ex.Errors;
            Snackbar.Add("Not saved: " + string.Join(" ", ex.Errors.Select(e => $"{e.Key}: {e.Value}")), Severity.Error);
        }
        catch (DeskConflictException ex)
        {
            Problem = ex.Message;
        }
    }
}
