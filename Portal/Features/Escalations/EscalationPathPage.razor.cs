using Microsoft.AspNetCore.Components;
using MudBlazor;
using Portal.Components.Shared;
using Portal.Core.Admin;
using Portal.Core.Common;
using Portal.Core.Escalations;
using Portal.Core.Security;

namespace Portal.Features.Escalations;

public partial class EscalationPathPage
{
    [Parameter] public int? Id { get; set; }
    private string? _name;
    private bool _active = true;
    private int? _departmentId;
    private int? _policyId;
    private List<LevelModel> _levels = [new LevelModel()];
    private IReadOnlyList<DepartmentRow> _departments = [];
    private IReadOnlyList<Portal.Core.Sla.PolicyRow> _policies = [];
    private IReadOnlyList<PersonRef> _people = [];
    private List<(int Id, string Name)> _teams = [];
    private IReadOnlyList<DryRunMatch>? _matches;
    private IReadOnlyDictionary<string, string> _errors = new Dictionary<string, string>();
    private bool _loaded;
    private Actor? _actor;

    protected override async Task OnParametersSetAsync()
    {
        await GuardAsync(async () =>
        {
            _actor = await CurrentActor.GetAsync();
            _departments = await Departments.ListAsync(_actor);
            (_, _policies) = await Sla.ListAsync(_actor);
            _people = await Directory.ListPeopleAsync(_actor);
            if (Id is { } id)
            {
                var p = await Admin.GetAsync(_actor, id);
                (_name, _active, _departmentId, _policyId) = (p.Name, p.IsActive, p.DepartmentId, p.SlaPolicyId);
                _levels = p.Levels.Select(LevelModel.From).ToList();
            }

            await LoadTeamsAsync();
            _loaded = true;
        });
    }

    private async Task OnDepartmentChanged(int? id)
    {
        _departmentId = id;
        await LoadTeamsAsync();
    }

    private async Task LoadTeamsAsync()
    {
        _teams = [];
        foreach (var d in _departments.Where(d => _departmentId is null || d.Id == _departmentId))
            _teams.AddRange((await Departments.GetAsync(_actor!, d.Id)).Teams.Select(t => (t.Id, $"{d.Code}: {t.Name}")));
    }

    private bool Has(string key) => _errors.ContainsKey(key);
    private string? Err(string key) => _errors.GetValueOrDefault(key);

    private async Task SaveAsync()
    {
        try
        {
            var result = await Admin.SaveAsync(_actor!, new PathInput(Id, _name ?? "", _active, _departmentId, _policyId,
                _levels.Select((l, i) => l.ToInput(i + 1)).ToList()));
            _errors = new Dictionary<string, string>();
            Snackbar.Add($"Saved. Planning its levels on {result.Recomputing} open ticket(s) in the background.", Severity.Success);
            if (Id is null)
                Navigation.NavigateTo(DeskRoutes.EscalationPath(result.Id));
        }
        catch (DeskValidationException ex)
        {
            _errors = ex.Errors;
            Snackbar.Add("Not saved: " + string.Join(" ", ex.Errors.Values), Severity.Error);
        }
    }

    private async Task DryRunAsync() => _matches = await Admin.DryRunAsync(_actor!, Id!.Value);
}
