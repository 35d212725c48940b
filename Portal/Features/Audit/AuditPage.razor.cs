using Microsoft.AspNetCore.Components;
using Portal.Core.Audit;
using Portal.Core.Security;

namespace Portal.Features.Audit;

public partial class AuditPage
{
    private const int PageSize = 50;

    private static readonly (string Prefix, string Label)[] Actions =
    [
        ("ticket.", "Ticket changes (all)"), ("ticket.created", "Ticket created"), ("ticket.statuschanged", "Status changed"),
        ("ticket.assigneechanged", "Assignment"), ("ticket.escalated", "Escalation fired"), ("ticket.ruleapplied", "Rule applied"),
        ("sla.", "SLA started or recalculated"), ("notification.", "Notifications sent"), ("signin.", "Sign-ins"),
        ("access.denied", "Access denied"), ("user", "People and roles"), ("department", "Departments and memberships"),
        ("sla-policy", "SLA policies"), ("sla-calendar", "Calendars"), ("escalation-", "Escalation paths"), ("rule.", "Automation rules"),
        ("asset", "Asset records"), ("complaint", "Complaints"),
    ];

    private Actor? _actor;
    private IReadOnlyList<AuditRow> _rows = [];
    private int _total;
    private int _page = 1;
    private string? _ticket, _user, _action, _from, _to;
    private AuditQuery _applied = new();
    private AuditVerification? _result;
    private string? _filterProblem;
    private bool _verifying;

    [SupplyParameterFromQuery(Name = "ticket")] public string? TicketParameter { get; set; }

    protected override async Task OnInitializedAsync()
    {
        if (!await GuardAsync(async () =>
        {
            _actor = await CurrentActor.GetAsync();
            _ticket = TicketParameter;
            _applied = new AuditQuery(Ticket: _ticket);
            await LoadAsync();
        }))
        {
            _actor = null;
        }
    }

    private async Task LoadAsync()
    {
        var result = await Audit.SearchAsync(_actor!, _applied, _page, PageSize);
        (_rows, _total) = (result.Items, result.Total);
    }

    private async Task SearchAsync()
    {
        _filterProblem = null;
        DateOnly? from = null, to = null;
        if (!string.IsNullOrWhiteSpace(_from))
            from = DateOnly.TryParseExact(_from, "yyyy-MM-dd", out var f) ? f : Bad("From");
        if (!string.IsNullOrWhiteSpace(_to))
            to = DateOnly.TryParseExact(_to, "yyyy-MM-dd", out var t) ? t : Bad("To");
        if (from > to)
            _filterProblem = "From: the first day comes after the last (To).";
        if (_filterProblem is not null)
            return;
        _applied = new AuditQuery(_ticket, _user, _action, from, to);
        _page = 1;
        await LoadAsync();
    }

    private DateOnly? Bad(string field)
    {
        _filterProblem = $"{field}: enter a date as yyyy-mm-dd.";
        return null;
    }

    private async Task ClearAsync()
    {
        (_ticket, _user, _action, _from, _to, _filterProblem) = (null, null, null, null, null, null);
        _applied = new AuditQuery();
        _page = 1;
        await LoadAsync();
    }

    private async Task GoToAsync(int page)
    {
        _page = page;
        await LoadAsync();
    }

    private async Task VerifyAsync()
    {
        _verifying = true;
        try
        {
            _result = await Audit.VerifyAsync(_actor!);
        }
        finally
        {
            _verifying = false;
        }
    }
}
