using Portal.Core.Escalations;
using Portal.Core.Security;
using Portal.Core.Sla;
using Portal.Core.Tickets;

namespace Portal.Features.Escalations;

/// <summary>One level as the form edits it.</summary>
public sealed class LevelModel
{
    public SlaMetric Metric { get; set; } = SlaMetric.FirstResponse;
    public EscalationTrigger Trigger { get; set; } = EscalationTrigger.AtBreach;
    public decimal? Fraction { get; set; } = 0.75m;
    public int? OffsetMinutes { get; set; } = 60;
    public bool NotifyAssignee { get; set; }
    public bool NotifyTeam { get; set; }
    public bool NotifyManager { get; set; }
    public bool NotifyDepartmentHead { get; set; }
    public bool NotifyWatchers { get; set; }
    public DeskRole? NotifyRole { get; set; }
    public IReadOnlyCollection<string> NotifyUsers { get; set; } = [];
    public int? AssignTeamId { get; set; }
    public string? AssignUserId { get; set; }
    public bool RaisePriority { get; set; }
    public TicketPriority? SetPriority { get; set; }
    public IReadOnlyCollection<string> AddWatchers { get; set; } = [];

    public static LevelModel From(LevelInput l) => new()
    {
        Metric = l.Metric, Trigger = l.Trigger, Fraction = l.Fraction, OffsetMinutes = l.OffsetMinutes,
        NotifyAssignee = l.Actions.NotifyAssignee, NotifyTeam = l.Actions.NotifyTeam, NotifyManager = l.Actions.NotifyManager,
        NotifyDepartmentHead = l.Actions.NotifyDepartmentHead, NotifyWatchers = l.Actions.NotifyWatchers, NotifyRole = l.Actions.NotifyRole, NotifyUsers = l.Actions.NotifyUsers,
        AssignTeamId = l.Actions.AssignTeamId, AssignUserId = l.Actions.AssignUserId, RaisePriority = l.Actions.RaisePriority,
        SetPriority = l.Actions.SetPriority, AddWatchers = l.Actions.AddWatchers,
    };

    public LevelInput ToInput(int number) => new(number, Metric, Trigger, Fraction, OffsetMinutes, new EscalationActions
    {
        NotifyAssignee = NotifyAssignee, NotifyTeam = NotifyTeam, NotifyManager = NotifyManager, NotifyDepartmentHead = NotifyDepartmentHead,
        NotifyWatchers = NotifyWatchers, NotifyRole = NotifyRole, NotifyUsers = [.. NotifyUsers], AssignTeamId = AssignTeamId, AssignUserId = AssignUserId,
        RaisePriority = RaisePriority, SetPriority = SetPriority, AddWatchers = [.. AddWatchers],
    });
}
