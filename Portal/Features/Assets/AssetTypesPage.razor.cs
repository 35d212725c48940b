using MudBlazor;
using Portal.Core.Assets;
using Portal.Core.Common;
using Portal.Core.Departments;
using Portal.Core.Security;

namespace Portal.Features.Assets;

public partial class AssetTypesPage
{
    private sealed class FieldDraft
    {
        public string? Label { get; set; }
        public FieldKind Kind { get; set; }
        public string? Options { get; set; }
        public bool Required { get; set; }
    }

    private Actor? _actor;
    private IReadOnlyList<AssetTypeView> _types = [];
    private readonly Dictionary<int, FieldDraft> _drafts = [];
    private readonly Dictionary<int, IReadOnlyDictionary<string, string>> _fieldErrors = [];
    private IReadOnlyDictionary<string, string> _errors = new Dictionary<string, string>();
    private string? _newType;
    private string? _problem;

    protected override async Task OnInitializedAsync()
    {
        _actor = await CurrentActor.GetAsync();
        if (!_actor.IsAdmin)
        {
            _problem = "Only admins shape asset types.";
            _actor = null;
            return;
        }

        _types = await Registry.ListTypesAsync(activeOnly: false);
    }

    private FieldDraft Draft(int typeId) => _drafts.TryGetValue(typeId, out var d) ? d : _drafts[typeId] = new FieldDraft();
    private string? FieldError(int typeId, string key) => _fieldErrors.GetValueOrDefault(typeId)?.GetValueOrDefault(key);

    private async Task AddTypeAsync()
    {
        try
        {
            await Registry.SaveTypeAsync(_actor!, null, _newType, isActive: true);
            _newType = null;
            _errors = new Dictionary<string, string>();
            _types = await Registry.ListTypesAsync(activeOnly: false);
        }
        catch (DeskValidationException ex)
        {
            _errors = ex.Errors;
        }
    }

    private async Task ToggleTypeAsync(AssetTypeView type)
    {
        await Registry.SaveTypeAsync(_actor!, type.Id, type.Name, !type.IsActive);
        _types = await Registry.ListTypesAsync(activeOnly: false);
    }

    private async Task AddFieldAsync(AssetTypeView type)
    {
        var d = Draft(type.Id);
        var options = (d.Options ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        try
        {
            await Registry.SaveFieldAsync(_actor!, type.Id, new FieldDefinition(0, d.Label ?? "", d.Kind, d.Required, true, options, 0), isActive: true);
            _drafts.Remove(type.Id);
            _fieldErrors.Remove(type.Id);
            _types = await Registry.ListTypesAsync(activeOnly: false);
            Snackbar.Add($"Field added to {type.Name}.", Severity.Success);
        }
        catch (DeskValidationException ex)
        {
            _fieldErrors[type.Id] = ex.Errors;
        }
    }

    private async Task RetireFieldAsync(AssetTypeView type, FieldDefinition f)
    {
        await Registry.SaveFieldAsync(_actor!, type.Id, f, isActive: false);
        _types = await Registry.ListTypesAsync(activeOnly: false);
    }
}
