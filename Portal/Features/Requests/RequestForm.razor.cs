using Microsoft.AspNetCore.Components;
using Portal.Core.Common;
using Portal.Core.Departments;
using Portal.Core.Handling;
using Portal.Core.Security;
using Portal.Core.Tickets;

namespace Portal.Features.Requests;

public partial class RequestForm
{
    [Parameter, EditorRequired] public Actor Actor { get; set; } = default!;
    [Parameter] public int? InitialDepartmentId { get; set; }
    [Parameter] public string? InitialAssetTag { get; set; }
    [Parameter] public EventCallback<CreatedTicket> OnCreated { get; set; }

    /// <summary>A title to start with (from an article's "Still need help?").</summary>
    [Parameter] public string? InitialTitle { get; set; }

    /// <summary>The person found their answer in an article while writing: no request is filed.</summary>
    [Parameter] public EventCallback<Portal.Core.Knowledge.ArticleHit> OnAnswered { get; set; }

    private IReadOnlyList<DepartmentOption> _departments = [];
    private IReadOnlyList<CategoryOption> _categories = [];
    private IReadOnlyList<FieldDefinition> _fields = [];
    private IReadOnlyList<NamedOption> _types = [];
    private int? _typeId;
    private int? _departmentId;
    private int? _categoryId;
    private string? _title;
    private string? _description;
    private readonly Dictionary<int, string?> _values = [];
    private List<NewAttachment> _files = [];
    private List<Portal.Core.Assets.AssetRef> _assets = [];
    private IReadOnlyDictionary<string, string> _errors = new Dictionary<string, string>();
    private string? _problem;
    private bool _busy;

    protected override async Task OnInitializedAsync()
    {
        _departments = await Directory.ListDepartmentsAsync();
        _types = await Directory.ListTypesAsync();
        _typeId = _types.FirstOrDefault()?.Id;
        if (await Registry.FindByTagAsync(Actor, InitialAssetTag) is { } asset)
        {
            // Scanned from the asset's label: the request goes to the department that keeps it.
            _assets.Add(asset);
            _title = $"Problem with {asset.Name} ({asset.Tag})";
            InitialDepartmentId ??= asset.DepartmentId;
        }

        if (!string.IsNullOrWhiteSpace(InitialTitle) && _title is null)
            _title = InitialTitle.Length > TicketLimits.TitleMax ? InitialTitle[..TicketLimits.TitleMax] : InitialTitle;
        if (InitialDepartmentId is { } id && _departments.Any(d => d.Id == id))
            await OnDepartmentChanged(id);
    }

    private async Task OnDepartmentChanged(int? id)
    {
        _departmentId = id;
        _categoryId = null;
        _fields = [];
        _categories = id is null ? [] : await Directory.ListCategoriesAsync(id.Value, forNewRequests: true);
    }

    private async Task OnCategoryChanged(int? id)
    {
        _categoryId = id;
        // Values typed for fields of another category stay in memory but are only sent for this category's fields.
        _fields = id is null ? [] : await Directory.ListFieldsAsync(Actor, id.Value);
    }

    private string? Get(int fieldId) => _values.GetValueOrDefault(fieldId);
    private bool Has(string key) => _errors.ContainsKey(key);
    private string? ErrorFor(string key) => _errors.GetValueOrDefault(key);

    private async Task SubmitAsync()
    {
        _busy = true;
        _problem = null;
        try
        {
            var fieldIds = _fields.Select(f => f.Id).ToHashSet();
            var input = new NewTicketInput(_departmentId ?? 0, _categoryId ?? 0, _title ?? "", _description ?? "",
                _values.Where(v => fieldIds.Contains(v.Key)).ToDictionary(), _files, _typeId, AssetTags: _assets.Select(a => a.Tag).ToList());
            var created = await Filing.CreateAsync(Actor, input);
            _errors = new Dictionary<string, string>();
            await OnCreated.InvokeAsync(created);
        }
        catch (DeskValidationException ex)
        {
            _errors = ex.Errors;
            _problem = "Please check the highlighted fields: " + string.Join(" ", ex.Errors.Values);
        }
        finally
        {
            _busy = false;
        }
    }
}
