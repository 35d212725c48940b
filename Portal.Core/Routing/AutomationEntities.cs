using Portal.Core.Escalations;
using Portal.Core.Sla;
using Portal.Core.Tickets;

namespace Portal.Core.Routing;

/// <summary>What happened to a ticket that a rule can react to.</summary>
public enum RuleTrigger
{
    Created,
    Updated,
    RequesterReplied,
    AgentReplied,
    StatusChanged,
    PriorityChanged,
}

/// <summary>An event-driven automation rule, run in the same unit of work as the change that triggered it.</summary>
public class AutomationRuleRecord
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public int Order { get; set; }
    public bool IsActive { get; set; } = true;
    public RuleTrigger Trigger { get; set; }
    public string Conditions { get; set; } = "{}";
    public string Actions { get; set; } = "{}";
    public bool StopProcessing { get; set; }
}

/// <summary>Conditions of a rule: every list given must match (an empty list matches anything).</summary>
public sealed record RuleConditions
{
    public List<int> Departments { get; init; } = [];
    public List<int> Categories { get; init; } = [];
    public List<int> Types { get; init; } = [];
    public List<TicketPriority> Priorities { get; init; } = [];

    /// <summary>The status before the change (for a status transition, or a requester replying to a resolved ticket).</summary>
    public List<TicketStatus> StatusFrom { get; init; } = [];

    /// <summary>The status after the change.</summary>
    public List<TicketStatus> StatusTo { get; init; } = [];
    public List<string> RequesterTags { get; init; } = [];
    public List<FieldCondition> Fields { get; init; } = [];

    /// <summary>The title, description or message contains this text (case-insensitive).</summary>
    public string? TextContains { get; init; }
}

/// <summary>What a rule does. Every part is optional.</summary>
public sealed record RuleActions
{
    public int? AssignTeamId { get; init; }
    public string? AssignUserId { get; init; }

    /// <summary>Assign to the requester's manager (their account manager), when that person works in the department.</summary>
    public bool AssignRequesterManager { get; init; }
    public TicketPriority? SetPriority { get; init; }
    public int? SetTypeId { get; init; }
    public bool Reopen { get; init; }

    /// <summary>Mark the ticket escalated at this level.</summary>
    public int? EscalateToLevel { get; init; }
    public List<string> AddWatchers { get; init; } = [];

    /// <summary>Every member of these teams becomes a watcher (and is told).</summary>
    public List<int> AddTeamWatchers { get; init; } = [];
    public EscalationActions Notify { get; init; } = new();

    /// <summary>Teams whose members are told.</summary>
    public List<int> NotifyTeams { get; init; } = [];
}

/// <summary>The change a rule looks at.</summary>
public sealed record RuleContext(IReadOnlySet<RuleTrigger> Triggers, TicketStatus StatusBefore, string? Text, string? ActorId)
{
    /// <summary>The requester's tags, when the command read them already (a filing does, before its transaction); else read when a rule asks.</summary>
    public string? RequesterTags { get; init; }
}
