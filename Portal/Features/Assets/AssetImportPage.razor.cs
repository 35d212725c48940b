using Microsoft.AspNetCore.Components.Forms;
using Portal.Core.Assets;
using Portal.Core.Common;
using Portal.Core.Security;

namespace Portal.Features.Assets;

public partial class AssetImportPage
{
    /// <summary>Large inventories are a few megabytes; this leaves room without letting a stray file fill memory.</summary>
    private const long MaxFileSize = 50 * 1024 * 1024;
    private Actor? _actor;
    private ImportPlan? _plan;
    private ImportResult? _result;
    private string? _fileName;
    private bool _checking;
    private bool _importing;
    private int _done;

    /// <summary>The problem list as a file to fix the source sheet by; built in the page, no round trip.</summary>
    private string ProblemsCsv()
    {
        var text = new System.Text.StringBuilder("Line,Column,Problem\n");
        foreach (var e in Errors)
            text.Append(e.Line).Append(',').Append(Quote(e.Column)).Append(',').Append(Quote(e.Message)).Append('\n');
        return "data:text/csv;base64," + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(text.ToString()));
    }

    private static string Quote(string value) => "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private IReadOnlyList<ImportError> Errors => [.. _plan?.Errors ?? [], .. _result?.Errors ?? []];

    protected override async Task OnInitializedAsync()
    {
        if (!await GuardAsync(async () =>
        {
            _actor = await CurrentActor.GetAsync();
            Access.RequireStaff(_actor, "Importing assets is for agents, supervisors and admins.");
        }))
        {
            _actor = null;
        }
    }

    private async Task CheckAsync(InputFileChangeEventArgs e)
    {
        Problem = null;
        _plan = null;
        _result = null;
        _checking = true;
        try
        {
            _fileName = e.File.Name;
            if (e.File.Size > MaxFileSize)
                throw new DeskValidationException("File", $"{e.File.Name} is {e.File.Size / 1024 / 1024} MB; split it into files of at most {MaxFileSize / 1024 / 1024} MB.");
            // Read it whole first: the browser stream must not stay open while the database is read.
            using var copy = new MemoryStream();
            await using (var upload = e.File.OpenReadStream(MaxFileSize))
                await upload.CopyToAsync(copy);
            copy.Position = 0;
            _plan = await Csv.CheckAsync(_actor!, copy);
        }
        catch (DeskValidationException ex)
        {
            Problem = string.Join(" ", ex.Errors.Values);
        }
        finally
        {
            _checking = false;
        }
    }

    private async Task ImportAsync()
    {
        _importing = true;
        _done = 0;
        var progress = new Progress<int>(done => _ = InvokeAsync(() =>
        {
            _done = done;
            StateHasChanged();
        }));
        try
        {
            _result = await Csv.ImportAsync(_actor!, _plan! with { Errors = [] }, progress);
        }
        finally
        {
            _importing = false;
        }
    }
}
