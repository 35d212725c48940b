using Portal.Core.Sla;
using Portal.Core.Tickets;

namespace Portal.Features.Sla;

/// <summary>The policy form's state; kept as typed when a save is refused.</summary>
public sealed class PolicyModel
{
    public string? Name { get; set; }
    public int CalendarId { get; set; }
    public int Order { get; set; } = 100;
    public bool IsDefault { get; set; }
    public bool IsActive { get; set; } = true;
    public IReadOnlyCollection<int> Departments { get; set; } = [];
    public IReadOnlyCollection<int> Categories { get; set; } = [];
    public IReadOnlyCollection<int> Types { get; set; } = [];
    public IReadOnlyCollection<TicketPriority> Priorities { get; set; } = [];
    public string? RequesterTags { get; set; }
    public List<FieldCondition> Fields { get; set; } = [];
    public Dictionary<string, Dictionary<SlaMetric, string>> Targets { get; set; } =
        SlaConfiguration.PriorityNames.ToDictionary(p => p, _ => SlaMetrics.All.ToDictionary(m => m, _ => ""));
    public Dictionary<SlaMetric, IReadOnlyCollection<TicketStatus>> PauseOn { get; set; } =
        SlaMetrics.All.ToDictionary(m => m, IReadOnlyCollection<TicketStatus> (_) => []);
    public string? WarnAt { get; set; } = "0.75, 0.9";
    public bool CountsAwaitingApproval { get; set; }
    public int Version { get; set; }

    public static PolicyModel From(PolicyInput p) => new()
    {
        Name = p.Name, CalendarId = p.CalendarId, Order = p.Order, IsDefault = p.IsDefault, IsActive = p.IsActive,
        Departments = p.Conditions.Departments, Categories = p.Conditions.Categories, Types = p.Conditions.Types,
        Priorities = p.Conditions.Priorities, RequesterTags = string.Join(", ", p.Conditions.RequesterTags), Fields = [.. p.Conditions.Fields],
        Targets = SlaConfiguration.PriorityNames.ToDictionary(n => n, n => SlaMetrics.All.ToDictionary(m => m,
            m => p.Targets.TryGetValue(n, out var row) && row.TryGetValue(m, out var v) ? v : "")),
        PauseOn = SlaMetrics.All.ToDictionary(m => m, m => p.PauseOn.TryGetValue(m, out var s) ? s : (IReadOnlyCollection<TicketStatus>)[]),
        WarnAt = p.WarnAt, Version = p.ExpectedVersion, CountsAwaitingApproval = p.CountsAwaitingApproval,
    };

    public PolicyInput ToInput(int? id) => new(id, Name ?? "", CalendarId, Order, IsDefault, IsActive,
        new PolicyConditions
        {
            Departments = [.. Departments], Categories = [.. Categories], Types = [.. Types], Priorities = [.. Priorities],
            RequesterTags = (RequesterTags ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList(),
            Fields = [.. Fields],
        },
        Targets.ToDictionary(k => k.Key, k => (IReadOnlyDictionary<SlaMetric, string>)k.Value),
        PauseOn.ToDictionary(k => k.Key, k => k.Value), WarnAt ?? "", Version, CountsAwaitingApproval);
}
