using Portal.Core.Sla;

namespace Portal.Core.Sla;

/// <summary>When a level fires, relative to one SLA target.</summary>
public enum EscalationTrigger
{
    /// <summary>Counted time reaches a fraction of the target (e.g. 75 %).</summary>
    Fraction,

    /// <summary>A fixed wall-clock time before the due instant (e.g. 1 h before).</summary>
    BeforeDue,

    /// <summary>The target breaches.</summary>
    AtBreach,

    /// <summary>A fixed wall-clock time after the breach (e.g. +2 h, +3 days).</summary>
    AfterBreach,
}

/// <summary>An ordered chain of levels that moves tickets up the chain of command before and after a breach.</summary>
public class EscalationPathRecord
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public bool IsActive { get; set; } = true;

    /// <summary>Applies to tickets of this department (null: any department).</summary>
    public int? DepartmentId { get; set; }

    /// <summary>Applies to tickets matched with this SLA policy (null: any policy).</summary>
    public int? SlaPolicyId { get; set; }
    public List<EscalationLevelRecord> Levels { get; set; } = [];
}

public class EscalationLevelRecord
{
    public int Id { get; set; }
    public int PathId { get; set; }
    public int Level { get; set; }
    public SlaMetric Metric { get; set; }
    public EscalationTrigger Trigger { get; set; }

    /// <summary>For <see cref="EscalationTrigger.Fraction"/>: in (0, 1].</summary>
    public decimal? Fraction { get; set; }

    /// <summary>For <see cref="EscalationTrigger.BeforeDue"/> and <see cref="EscalationTrigger.AfterBreach"/>.</summary>
    public int? OffsetMinutes { get; set; }

    /// <summary>The actions, as JSON (<see cref="EscalationActions"/>).</summary>
    public string Actions { get; set; } = "{}";
}

/// <summary>
/// The claim that a level fired for a ticket, target cycle and level: unique, so a second sweeper, a retry or a
/// crash after the claim cannot fire it twice; written in the same transaction as the level's actions.
/// </summary>
public class EscalationFiring
{
    public long Id { get; set; }
    public int TicketId { get; set; }
    public int LevelId { get; set; }
    public int Cycle { get; set; }

    /// <summary>UTC; when the level was due.</summary>
    public DateTime DueAt { get; set; }

    /// <summary>UTC; when it fired.</summary>
    public DateTime FiredAt { get; set; }

    /// <summary>Fired later than one sweep interval after it was due (the app was down, or the sweep behind).</summary>
    public bool Late { get; set; }
}
