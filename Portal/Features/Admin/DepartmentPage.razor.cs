using Microsoft.AspNetCore.Components;
using MudBlazor;
using Portal.Core.Admin;
using Portal.Core.Common;
using Portal.Core.Security;

namespace Portal.Features.Admin;

public partial class DepartmentPage
{
    [Parameter] public int Id { get; set; }
    private Actor? _actor;
    private DepartmentAdminView? _view;
    private DepartmentForm.Model _department = new();
    private IReadOnlyDictionary<string, string> _departmentErrors = new Dictionary<string, string>();
    private IReadOnlyList<PersonRef> _people = [];
    private string? _newCategory;
    private string? _categoryError;
    private string? _newTeam;
    private string? _teamError;

    protected override async Task OnParametersSetAsync()
    {
        await GuardAsync(async () =>
        {
            _actor = await CurrentActor.GetAsync();
            _people = await Directory.ListPeopleAsync(_actor);
            await ReloadAsync();
            _department = DepartmentForm.Model.From(_view!.Department);
        });
    }

    private async Task ReloadAsync() => _view = await Admin.GetAsync(_actor!, Id);

    private async Task SaveDepartmentAsync()
    {
        try
        {
            await Admin.SaveDepartmentAsync(_actor!, _department.ToInput(Id));
            _departmentErrors = new Dictionary<string, string>();
            await ReloadAsync();
            Snackbar.Add("Department saved.", Severity.Success);
        }
        catch (DeskValidationException ex)
        {
            _departmentErrors = ex.Errors;
        }
    }

    private async Task AddCategoryAsync()
    {
        try
        {
            await Admin.SaveCategoryAsync(_actor!, new CategoryInput(null, Id, _newCategory ?? "", "", true));
            _newCategory = null;
            _categoryError = null;
            await ReloadAsync();
        }
        catch (DeskValidationException ex)
        {
            _categoryError = string.Join(" ", ex.Errors.Values);
        }
    }

    private async Task SetModeAsync(TeamAdminView team, Portal.Core.Departments.AssignmentMode mode)
    {
        await Admin.SaveTeamAsync(_actor!, new TeamInput(team.Id, Id, team.Name, mode));
        await ReloadAsync();
        Snackbar.Add($"{team.Name} now hands out tickets {(mode == Portal.Core.Departments.AssignmentMode.Manual ? "manually" : mode == Portal.Core.Departments.AssignmentMode.RoundRobin ? "in turn" : "to the least loaded member")}.", Severity.Success);
    }

    private async Task AddTeamAsync()
    {
        try
        {
            await Admin.SaveTeamAsync(_actor!, new TeamInput(null, Id, _newTeam ?? ""));
            _newTeam = null;
            _teamError = null;
            await ReloadAsync();
        }
        catch (DeskValidationException ex)
        {
            _teamError = string.Join(" ", ex.Errors.Values);
        }
    }
}
