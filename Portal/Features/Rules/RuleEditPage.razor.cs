using Microsoft.AspNetCore.Components;
using MudBlazor;
using Portal.Components.Shared;
using Portal.Core.Common;
using Portal.Core.Routing;
using Portal.Core.Security;
using Portal.Core.Sla;
using Portal.Core.Tickets;

namespace Portal.Features.Rules;

public partial class RuleEditPage
{
    private sealed class Conditions
    {
        public IReadOnlyCollection<int> Departments { get; set; } = [];
        public IReadOnlyCollection<int> Categories { get; set; } = [];
        public IReadOnlyCollection<int> Types { get; set; } = [];
        public IReadOnlyCollection<TicketPriority> Priorities { get; set; } = [];
        public IReadOnlyCollection<TicketStatus> StatusFrom { get; set; } = [];
        public IReadOnlyCollection<TicketStatus> StatusTo { get; set; } = [];
        public string? Tags { get; set; }
        public string? Text { get; set; }
    }

    private sealed class Actions
    {
        public int? AssignTeamId { get; set; }
        public string? AssignUserId { get; set; }
        public bool AssignRequesterManager { get; set; }
        public bool Reopen { get; set; }
        public TicketPriority? SetPriority { get; set; }
        public int? SetTypeId { get; set; }
        public int? EscalateToLevel { get; set; }
        public IReadOnlyCollection<string> AddWatchers { get; set; } = [];
        public IReadOnlyCollection<int> AddTeamWatchers { get; set; } = [];
        public IReadOnlyCollection<int> NotifyTeams { get; set; } = [];
        public IReadOnlyCollection<string> NotifyUsers { get; set; } = [];
        public bool NotifyAssignee { get; set; }
        public bool NotifyManager { get; set; }
        public bool NotifyDepartmentHead { get; set; }
        public bool NotifyWatchers { get; set; }
        public bool NotifyRequester { get; set; }
    }

    [Parameter] public int? Id { get; set; }
    private string? _name;
    private int _order = 100;
    private bool _active = true;
    private bool _stop;
    private RuleTrigger _trigger = RuleTrigger.Created;
    private Conditions _c = new();
    private Actions _a = new();
    private List<(int, string)> _departments = [], _categories = [], _types = [], _teams = [];
    private List<(string, string)> _people = [];
    private readonly List<(TicketPriority, string)> _priorities = Enum.GetValues<TicketPriority>().Select(p => (p, p.ToString())).ToList();
    private readonly List<(TicketStatus, string)> _statuses = Enum.GetValues<TicketStatus>().Select(s => (s, Display.Status(s))).ToList();
    private IReadOnlyList<TicketRef>? _matches;
    private IReadOnlyDictionary<string, string> _errors = new Dictionary<string, string>();
    private bool _loaded;
    private Actor? _actor;

    protected override async Task OnParametersSetAsync()
    {
        await GuardAsync(async () =>
        {
            _actor = await CurrentActor.GetAsync();
            var departments = await Departments.ListAsync(_actor);
            _departments = departments.Select(d => (d.Id, d.Name)).ToList();
            _categories = [];
            _teams = [];
            foreach (var d in departments)
            {
                var view = await Departments.GetAsync(_actor, d.Id);
                _categories.AddRange(view.Categories.Select(c => (c.Id, $"{d.Code}: {c.Name}")));
                _teams.AddRange(view.Teams.Select(t => (t.Id, $"{d.Code}: {t.Name}")));
            }

            _types = (await Directory.ListTypesAsync()).Select(t => (t.Id, t.Name)).ToList();
            _people = (await Directory.ListPeopleAsync(_actor)).Select(p => (p.Id, p.Name)).ToList();
            if (Id is { } id)
            {
                var r = await Rules.GetAsync(_actor, id);
                (_name, _order, _active, _stop, _trigger) = (r.Name, r.Order, r.IsActive, r.StopProcessing, r.Trigger);
                _c = new Conditions
                {
                    Departments = r.Conditions.Departments, Categories = r.Conditions.Categories, Types = r.Conditions.Types,
                    Priorities = r.Conditions.Priorities, StatusFrom = r.Conditions.StatusFrom, StatusTo = r.Conditions.StatusTo,
                    Tags = string.Join(", ", r.Conditions.RequesterTags), Text = r.Conditions.TextContains,
                };
                var a = r.Actions;
                _a = new Actions
                {
                    AssignTeamId = a.AssignTeamId, AssignUserId = a.AssignUserId, AssignRequesterManager = a.AssignRequesterManager, Reopen = a.Reopen,
                    SetPriority = a.SetPriority, SetTypeId = a.SetTypeId, EscalateToLevel = a.EscalateToLevel, AddWatchers = a.AddWatchers,
                    AddTeamWatchers = a.AddTeamWatchers, NotifyTeams = a.NotifyTeams, NotifyUsers = a.Notify.NotifyUsers,
                    NotifyAssignee = a.Notify.NotifyAssignee, NotifyManager = a.Notify.NotifyManager, NotifyDepartmentHead = a.Notify.NotifyDepartmentHead,
                    NotifyWatchers = a.Notify.NotifyWatchers, NotifyRequester = a.Notify.NotifyRequester,
                };
            }

            _loaded = true;
        });
    }

    private bool Has(string key) => _errors.ContainsKey(key);
    private string? Err(string key) => _errors.GetValueOrDefault(key);

    private async Task SaveAsync()
    {
        try
        {
            var conditions = new RuleConditions
            {
                Departments = [.. _c.Departments], Categories = [.. _c.Categories], Types = [.. _c.Types], Priorities = [.. _c.Priorities],
                StatusFrom = [.. _c.StatusFrom], StatusTo = [.. _c.StatusTo],
                RequesterTags = (_c.Tags ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList(),
                TextContains = string.IsNullOrWhiteSpace(_c.Text) ? null : _c.Text.Trim(),
            };
            var actions = new RuleActions
            {
                AssignTeamId = _a.AssignTeamId, AssignUserId = _a.AssignUserId, AssignRequesterManager = _a.AssignRequesterManager, Reopen = _a.Reopen,
                SetPriority = _a.SetPriority, SetTypeId = _a.SetTypeId, EscalateToLevel = _a.EscalateToLevel, AddWatchers = [.. _a.AddWatchers],
                AddTeamWatchers = [.. _a.AddTeamWatchers], NotifyTeams = [.. _a.NotifyTeams],
                Notify = new EscalationActions
                {
                    NotifyAssignee = _a.NotifyAssignee, NotifyManager = _a.NotifyManager, NotifyDepartmentHead = _a.NotifyDepartmentHead, NotifyUsers = [.. _a.NotifyUsers],
                    NotifyWatchers = _a.NotifyWatchers, NotifyRequester = _a.NotifyRequester,
                },
            };
            var id = await Rules.SaveAsync(_actor!, new RuleInput(Id, _name ?? "", _order, _active, _trigger, conditions, actions, _stop));
            _errors = new Dictionary<string, string>();
            Snackbar.Add("Saved. It applies from the next change on.", Severity.Success);
            if (Id is null)
                Navigation.NavigateTo(DeskRoutes.Rule(id));
        }
        catch (DeskValidationException ex)
        {
            _errors = ex.Errors;
        }
    }

    private async Task DryRunAsync() => _matches = await Rules.DryRunAsync(_actor!, Id!.Value);
}
