using Microsoft.AspNetCore.Components;
using MudBlazor;
using Portal.Core.Assets;
using Portal.Core.Common;
using Portal.Core.Departments;
using Portal.Core.Security;

namespace Portal.Features.Assets;

public partial class AssetPage
{
    [Parameter] public int Id { get; set; }
    private Actor? _actor;
    private AssetDetails? _asset;
    private AssetHistory? _history;
    private AssetEditModel? _edit;
    private AssetForm? _form;
    private int _editVersion;
    private IReadOnlyList<AssetTypeView> _types = [];
    private IReadOnlyList<DepartmentOption> _departments = [];
    private IReadOnlyDictionary<string, string> _errors = new Dictionary<string, string>();
    private string? _conflict;
    private bool _busy;

    protected override async Task OnParametersSetAsync()
    {
        if (!await GuardAsync(async () =>
        {
            _actor = await CurrentActor.GetAsync();
            _asset = await Registry.GetAsync(_actor, Id);
            _edit = AssetEditModel.From(_asset);
            _editVersion = _asset.Version;
            _types = await Registry.ListTypesAsync(activeOnly: false);
            _departments = _asset.CanEdit ? await Directory.ListWorkDepartmentsAsync(_actor) : [new DepartmentOption(_asset.DepartmentId, "", _asset.DepartmentName, "")];
            _history = _asset.CanEdit ? await Registry.HistoryAsync(_actor, Id) : null;
        }))
        {
            _asset = null;
        }
    }

    private string WarrantyText() => _asset!.WarrantyEnd is not { } end ? "not recorded"
        : end < DateOnly.FromDateTime(DateTime.UtcNow) ? $"ended {end:yyyy-MM-dd}" : $"until {end:yyyy-MM-dd}";

    private async Task SaveAsync()
    {
        _busy = true;
        try
        {
            await Registry.UpdateAsync(_actor!, Id, _editVersion, _edit!.ToInput(_form!.Fields.Select(f => f.Id)));
            _conflict = null;
            _errors = new Dictionary<string, string>();
            _asset = await Registry.GetAsync(_actor!, Id);
            _edit = AssetEditModel.From(_asset);
            _editVersion = _asset.Version;
            _history = await Registry.HistoryAsync(_actor!, Id);
            Snackbar.Add("Saved.", Severity.Success);
        }
        catch (DeskConflictException ex)
        {
            // Keep what was typed; the next save (having seen the warning) goes over the newer version.
            _conflict = ex.Message;
            _asset = await Registry.GetAsync(_actor!, Id);
            _editVersion = _asset.Version;
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

    private void TakeTheirs()
    {
        _conflict = null;
        _edit = AssetEditModel.From(_asset!);
        _editVersion = _asset!.Version;
    }
}
