namespace Portal.Core.Sla;

/// <summary>A business calendar as admins keep it: the definition is the SLA contract's calendar object, as JSON.</summary>
public class SlaCalendarRecord
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public string Definition { get; set; } = "{\"timeZone\":\"UTC\"}";
    public int Version { get; set; } = 1;
    public DateTime UpdatedAt { get; set; }
}

/// <summary>
/// An SLA policy: conditions that pick the tickets it applies to (first match in <see cref="Order"/> wins, the
/// default catches the rest), the calendar, targets per priority, pausing statuses and warning thresholds.
/// Targets, PauseOn and WarnAt are stored in the SLA contract's formats; Conditions as <see cref="PolicyConditions"/>.
/// </summary>
public class SlaPolicyRecord
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public int Order { get; set; }
    public bool IsDefault { get; set; }
    public bool IsActive { get; set; } = true;
    public int CalendarId { get; set; }
    public SlaCalendarRecord? Calendar { get; set; }
    public string Conditions { get; set; } = "{}";
    public string Targets { get; set; } = "{}";
    public string PauseOn { get; set; } = "[]";
    public string WarnAt { get; set; } = "[]";

    /// <summary>Every clock keeps counting while a request awaits approval (by default none does).</summary>
    public bool CountsAwaitingApproval { get; set; }
    public int Version { get; set; } = 1;
    public DateTime UpdatedAt { get; set; }
}

/// <summary>One target's state on one ticket as of its last recomputation.</summary>
public class TicketSlaState
{
    public int TicketId { get; set; }
    public SlaMetric Metric { get; set; }
    public SlaState State { get; set; }
    public long TargetSeconds { get; set; }
    public long ElapsedSeconds { get; set; }
    public DateTime? DueAt { get; set; }
    public DateTime? StoppedAt { get; set; }
    public DateTime? BreachedAt { get; set; }
    public string? Warning { get; set; }
}
