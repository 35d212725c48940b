using Microsoft.AspNetCore.Components;
using MudBlazor;
using Portal.Core.Admin;
using Portal.Core.Common;
using Portal.Core.Departments;

namespace Portal.Features.Admin;

public partial class CategoryEditor
{
    private sealed class FieldModel
    {
        public int? Id { get; set; }
        public string? Label { get; set; }
        public FieldKind Kind { get; set; }
        public bool Required { get; set; }
        public string? Options { get; set; }
        public bool VisibleToRequester { get; set; } = true;
        public int SortOrder { get; set; }
        public bool IsActive { get; set; } = true;
    }

    [Parameter, EditorRequired] public CategoryAdminView Category { get; set; } = default!;
    [Parameter, EditorRequired] public int DepartmentId { get; set; }
    [Parameter] public EventCallback Saved { get; set; }

    private string? _name;
    private string? _description;
    private bool _active;
    private FieldModel _field = new();
    private IReadOnlyDictionary<string, string> _errors = new Dictionary<string, string>();
    private IReadOnlyDictionary<string, string> _fieldErrors = new Dictionary<string, string>();

    protected override void OnInitialized()
    {
        _name = Category.Name;
        _description = Category.Description;
        _active = Category.IsActive;
        _field.SortOrder = Category.Fields.Count;
    }

    private void Edit(FieldAdminView f) => _field = new FieldModel
    {
        Id = f.Id, Label = f.Label, Kind = f.Kind, Required = f.Required, Options = f.Options,
        VisibleToRequester = f.VisibleToRequester, SortOrder = f.SortOrder, IsActive = f.IsActive,
    };

    private async Task SaveCategoryAsync()
    {
        try
        {
            var actor = await CurrentActor.GetAsync();
            await Admin.SaveCategoryAsync(actor, new CategoryInput(Category.Id, DepartmentId, _name ?? "", _description ?? "", _active));
            _errors = new Dictionary<string, string>();
            Snackbar.Add("Category saved.", Severity.Success);
            await Saved.InvokeAsync();
        }
        catch (DeskValidationException ex)
        {
            _errors = ex.Errors;
        }
    }

    private async Task SaveFieldAsync()
    {
        try
        {
            var actor = await CurrentActor.GetAsync();
            await Admin.SaveFieldAsync(actor, new CustomFieldInput(_field.Id, Category.Id, _field.Label ?? "", _field.Kind, _field.Required,
                _field.Options ?? "", _field.VisibleToRequester, _field.SortOrder, _field.IsActive));
            _fieldErrors = new Dictionary<string, string>();
            _field = new FieldModel { SortOrder = Category.Fields.Count + 1 };
            Snackbar.Add("Field saved.", Severity.Success);
            await Saved.InvokeAsync();
        }
        catch (DeskValidationException ex)
        {
            _fieldErrors = ex.Errors;
        }
    }
}
