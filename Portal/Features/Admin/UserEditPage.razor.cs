using Microsoft.AspNetCore.Components;
using MudBlazor;
using Portal.Components.Shared;
using Portal.Core.Admin;
using Portal.Core.Common;
using Portal.Core.Security;
using Portal.Core.Users;

namespace Portal.Features.Admin;

public partial class UserEditPage
{
    private sealed class Model
    {
        public string? Email { get; set; }
        public string? DisplayName { get; set; }
        public string? Password { get; set; }
        public DeskRole Roles { get; set; }
        public string? ManagerId { get; set; }
        public string? Tags { get; set; }
        public bool IsActive { get; set; } = true;
        public bool IsServiceAccount { get; set; }
    }

    private sealed record TeamChoice(int Id, int DepartmentId, string Name);

    [Parameter] public string? Id { get; set; }

    /// <summary>?kind=service: the new account is a service account (Admin → Service accounts).</summary>
    [SupplyParameterFromQuery(Name = "kind")] public string? Kind { get; set; }
    private Actor? _actor;
    private Model _model = new();
    private IReadOnlyCollection<int> _departmentIds = [];
    private IReadOnlyCollection<int> _teamIds = [];
    private IReadOnlyList<DepartmentRow> _departments = [];
    private List<TeamChoice> _teams = [];
    private IReadOnlyList<PersonRef> _people = [];
    private IReadOnlyDictionary<string, string> _errors = new Dictionary<string, string>();
    private bool _loaded;
    private TwoStepState? _twoStep;

    protected override async Task OnParametersSetAsync()
    {
        await GuardAsync(async () =>
        {
            _actor = await CurrentActor.GetAsync();
            _departments = await Departments.ListAsync(_actor);
            _teams = [];
            foreach (var d in _departments)
            {
                var view = await Departments.GetAsync(_actor, d.Id);
                _teams.AddRange(view.Teams.Select(t => new TeamChoice(t.Id, d.Id, $"{d.Code}: {t.Name}")));
            }

            _people = await Directory.ListPeopleAsync(_actor);
            if (Id is null)
                _model.IsServiceAccount = Kind == "service";
            else
            {
                var u = await Users.GetAsync(_actor, Id);
                _model = new Model
                {
                    Email = u.Email, DisplayName = u.DisplayName, Roles = u.Roles, ManagerId = u.ManagerId, Tags = u.Tags, IsActive = u.IsActive,
                    IsServiceAccount = u.IsServiceAccount,
                };
                _departmentIds = u.DepartmentIds.ToHashSet();
                _teamIds = u.TeamIds.ToHashSet();
                _twoStep = await TwoStep.StateAsync(_actor, Id);
            }

            _loaded = true;
        });
    }

    private bool Has(string key) => _errors.ContainsKey(key);
    private string? Err(string key) => _errors.GetValueOrDefault(key);

    private void SetRole(DeskRole role, bool on) => _model.Roles = on ? _model.Roles | role : _model.Roles & ~role;

    private async Task SignOutEverywhereAsync()
    {
        if (await GuardAsync(() => SignOuts.SignOutEverywhereAsync(_actor!, Id!)))
            Snackbar.Add($"{_model.DisplayName} is signed out everywhere.", Severity.Success);
    }

    private async Task TurnOffTwoStepAsync()
    {
        if (await GuardAsync(() => TwoStep.DisableAsync(_actor!, Id!, null)))
        {
            _twoStep = await TwoStep.StateAsync(_actor!, Id);
            Snackbar.Add($"Two-step sign-in is off for {_model.DisplayName}; they sign in with their password alone until they set it up again.", Severity.Success);
        }
    }

    private async Task SaveAsync()
    {
        Problem = null;
        try
        {
            var teamIds = _teamIds.Where(id => _teams.Any(t => t.Id == id && _departmentIds.Contains(t.DepartmentId))).ToList();
            var id = await Users.SaveAsync(_actor!, new UserInput(Id, _model.Email ?? "", _model.DisplayName ?? "", _model.Password, _model.Roles,
                _departmentIds.ToList(), teamIds, _model.ManagerId, _model.Tags ?? "", _model.IsActive) { IsServiceAccount = _model.IsServiceAccount });
            _errors = new Dictionary<string, string>();
            _model.Password = null;
            Snackbar.Add("User saved.", Severity.Success);
            if (Id is null)
                Navigation.NavigateTo(DeskRoutes.User(id));
        }
        catch (DeskValidationException ex)
        {
            _errors = ex.Errors;
        }
        catch (DeskForbiddenException ex)
        {
            await RefusedAsync(ex);
        }
    }
}
