using Portal.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using Portal.Core.Assets;
using Portal.Core.Departments;
using Portal.Core.Security;

namespace Portal.Features.Assets;

public partial class AssetsPage
{
    [SupplyParameterFromQuery(Name = "site")] public string? Site { get; set; }
    [SupplyParameterFromQuery(Name = "building")] public string? Building { get; set; }
    [SupplyParameterFromQuery(Name = "repeat")] public string? RepeatText { get; set; }
    [SupplyParameterFromQuery(Name = "warranty")] public string? WarrantyText { get; set; }

    private Actor? _actor;
    private IReadOnlyList<AssetTypeView> _types = [];
    private IReadOnlyList<DepartmentOption> _departments = [];
    private MudTable<AssetSummary>? _table;
    private string? _text;
    private int? _typeId;
    private AssetStatus? _status;
    private int? _departmentId;
    private int? _warranty;
    private bool _repeat;
    private int _total;
    private AssetSort _sort;
    private bool _descending;

    protected override async Task OnInitializedAsync()
    {
        if (!await GuardAsync(async () =>
        {
            _actor = await CurrentActor.GetAsync();
            Access.RequireStaff(_actor, "The asset registry is for agents, supervisors and admins.");
            _types = await Registry.ListTypesAsync();
            _departments = await Directory.ListWorkDepartmentsAsync(_actor);
            _repeat = QueryValues.Flag(RepeatText);
            _warranty = QueryValues.Number(WarrantyText, 1, 3650); // a warranty ending within ten years at most
        }))
        {
            _actor = null;
        }
    }

    private AssetQuery Query() => new(_text, _typeId, _status, _departmentId, Site, Site is null ? null : Building, _warranty, _repeat,
        _sort, _descending);

    private async Task<TableData<AssetSummary>> LoadAsync(TableState state, CancellationToken ct)
    {
        _sort = Enum.TryParse<AssetSort>(state.SortLabel, out var s) ? s : AssetSort.Tag;
        _descending = state.SortDirection == SortDirection.Descending;
        var page = await Registry.QueryAsync(_actor!, Query() with { Page = state.Page + 1, PageSize = state.PageSize }, ct);
        if (_total != page.Total)
        {
            _total = page.Total;
            StateHasChanged();
        }

        return new TableData<AssetSummary> { Items = page.Items, TotalItems = page.Total };
    }

    private Task OnTextChanged(string? text) => Set(() => _text = text);

    private async Task Set(Action change)
    {
        change();
        if (_table is not null)
            await _table.ReloadServerData();
    }

    private Task ClearLocation() => Set(() => (Site, Building) = (null, null));
}
