using Microsoft.AspNetCore.Components;
using Portal.Components.Shared;
using Portal.Core.Catalog;
using Portal.Core.Common;
using Portal.Core.Departments;
using Portal.Core.Security;

namespace Portal.Features.Catalog;

public partial class CatalogItemEditPage
{
    [Parameter] public int? Id { get; set; }

    private sealed class TaskModel
    {
        public int DepartmentId { get; set; }
        public string? Title { get; set; }
        public string? Description { get; set; }
        public int? WaitsFor { get; set; }
    }

    private Actor? _actor;
    private IReadOnlyList<DepartmentOption> _departments = [];
    private string? _name, _description;
    private int _departmentId;
    private int? _categoryId;
    private bool _active = true, _resolve = true;
    private List<TaskModel> _tasks = [];
    private IReadOnlyDictionary<string, string> _errors = new Dictionary<string, string>();

    protected override async Task OnParametersSetAsync()
    {
        if (!await GuardAsync(async () =>
        {
            _actor = await CurrentActor.GetAsync();
            _departments = await Departments.ListDepartmentsAsync();
            if (Id is { } id)
            {
                var item = await Admin.GetAsync(_actor, id);
                (_name, _description, _departmentId, _active, _resolve, _categoryId) =
                    (item.Name, item.Description, item.DepartmentId, item.IsActive, item.ResolveWhenTasksDone, item.CategoryId);
                _tasks = item.Tasks.Select(t => new TaskModel { DepartmentId = t.DepartmentId, Title = t.Title, Description = t.Description, WaitsFor = t.WaitsForOrder }).ToList();
            }
            else
            {
                _departmentId = _departments.FirstOrDefault()?.Id ?? 0;
                Add();
            }
        }))
        {
            _actor = null;
        }
    }

    private string? Err(string key) => _errors.TryGetValue(key, out var e) ? e : null;

    private void Add() => _tasks.Add(new TaskModel { DepartmentId = _departmentId });

    private void Remove(int index)
    {
        _tasks.RemoveAt(index);
        // A task that waited for the removed one, or for one below it, now waits for the one that took its place, or none.
        foreach (var t in _tasks)
            t.WaitsFor = t.WaitsFor is { } w ? (w == index + 1 ? null : w > index + 1 ? w - 1 : w) : null;
    }

    private async Task SaveAsync()
    {
        Problem = null;
        try
        {
            var id = await Admin.SaveAsync(_actor!, new CatalogItemInput(Id, _name, _description, _departmentId, _active, _resolve,
                _tasks.Select(t => new CatalogTaskInput(t.DepartmentId, t.Title, t.Description, t.WaitsFor)).ToList()));
            _errors = new Dictionary<string, string>();
            Navigation.NavigateTo(DeskRoutes.CatalogItem(id));
            Problem = null;
        }
        catch (DeskValidationException ex)
        {
            _errors = ex.Errors;
            Problem = "Not saved: " + string.Join(" ", ex.Errors.Values);
        }
    }
}
