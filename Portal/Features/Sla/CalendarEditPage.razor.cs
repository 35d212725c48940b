using Microsoft.AspNetCore.Components.Forms;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using Portal.Components.Shared;
using Portal.Core.Common;
using Portal.Core.Security;
using Portal.Core.Sla;

namespace Portal.Features.Sla;

public partial class CalendarEditPage
{
    [Parameter] public int? Id { get; set; }
    private string? _name;
    private string? _zone = "UTC";
    private bool _is24x7;
    private Dictionary<string, string> _week = SlaJson.Weekdays.Keys.ToDictionary(d => d, d => d is "Sat" or "Sun" ? "" : "09:00-17:00");
    private string? _holidays;
    private int _version;
    private bool _loaded;
    private IReadOnlyDictionary<string, string> _errors = new Dictionary<string, string>();
    private static readonly IReadOnlyList<string> Zones = NodaTime.DateTimeZoneProviders.Tzdb.Ids.Order().ToList();

    protected override async Task OnParametersSetAsync()
    {
        await GuardAsync(async () =>
        {
            var actor = await CurrentActor.GetAsync();
            Access.RequireAdmin(actor, "Only admins change calendars.");
            if (Id is { } id)
            {
                var c = await Admin.GetCalendarAsync(actor, id);
                (_name, _zone, _is24x7, _holidays, _version) = (c.Name, c.TimeZone, c.Is24x7, c.Holidays, c.ExpectedVersion);
                _week = c.Week.ToDictionary(k => k.Key, k => k.Value);
            }

            _loaded = true;
        });
    }

    private Task<IEnumerable<string>> SearchZones(string? text, CancellationToken ct) =>
        Task.FromResult(string.IsNullOrWhiteSpace(text) ? Zones.Take(20) : Zones.Where(z => z.Contains(text, StringComparison.OrdinalIgnoreCase)));

    private bool Has(string key) => _errors.ContainsKey(key);
    private string? Err(string key) => _errors.GetValueOrDefault(key);

    private async Task ImportAsync(IBrowserFile? file)
    {
        if (file is null)
            return;
        using var reader = new StreamReader(file.OpenReadStream(1024 * 1024));
        IReadOnlyList<string> dates;
        try
        {
            dates = IcsHolidays.Read(await reader.ReadToEndAsync(), DateOnly.FromDateTime(Clock.GetUtcNow().UtcDateTime));
        }
        catch (DeskValidationException ex)
        {
            _errors = ex.Errors;
            return;
        }

        var all = (_holidays ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Concat(dates).Distinct().Order();
        _holidays = string.Join("\n", all);
        Snackbar.Add($"Imported {dates.Count} holiday(s) from {file.Name}. Save to keep them.", Severity.Info);
    }

    private async Task SaveAsync()
    {
        try
        {
            var actor = await CurrentActor.GetAsync();
            var result = await Admin.SaveCalendarAsync(actor, new CalendarInput(Id, _name ?? "", _zone ?? "", _is24x7, _week, _holidays ?? "", _version));
            _errors = new Dictionary<string, string>();
            Snackbar.Add(result.Recomputing > 0 ? $"Saved. Recomputing the SLA of {result.Recomputing} open ticket(s) in the background." : "Saved.", Severity.Success);
            if (Id is null)
                Navigation.NavigateTo(DeskRoutes.Calendar(result.Id));
            else
                _version++;
        }
        catch (DeskValidationException ex)
        {
            _errors = ex.Errors;
        }
        catch (DeskConflictException ex)
        {
            Problem = ex.Message;
        }
    }
}
