using System.Text.Json;
using Portal.Core.Security;
using Portal.Core.Tickets;

namespace Portal.Core.Sla;

/// <summary>What a level (or an automation rule) does. Every part is optional.</summary>
public sealed record EscalationActions
{
    public bool NotifyAssignee { get; init; }
    public bool NotifyTeam { get; init; }
    public bool NotifyManager { get; init; }
    public bool NotifyDepartmentHead { get; init; }

    /// <summary>The ticket's watchers who work in its department (escalations are internal news).</summary>
    public bool NotifyWatchers { get; init; }

    /// <summary>Rules only: the requester hears "your request was updated", nothing internal.</summary>
    public bool NotifyRequester { get; init; }

    public List<string> NotifyUsers { get; init; } = [];

    /// <summary>Everyone of the ticket's department who holds this role (Agent, Supervisor).</summary>
    public DeskRole? NotifyRole { get; init; }
    public int? AssignTeamId { get; init; }
    public string? AssignUserId { get; init; }
    public bool RaisePriority { get; init; }
    public TicketPriority? SetPriority { get; init; }
    public List<string> AddWatchers { get; init; } = [];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    public static EscalationActions Parse(string json) => JsonSerializer.Deserialize<EscalationActions>(json, Json) ?? new EscalationActions();

    public string Write() => JsonSerializer.Serialize(this, Json);

    public bool IsEmpty => !NotifyAssignee && !NotifyTeam && !NotifyManager && !NotifyDepartmentHead && !NotifyWatchers && !NotifyRequester && NotifyUsers.Count == 0
        && NotifyRole is null && AssignTeamId is null && AssignUserId is null && !RaisePriority && SetPriority is null && AddWatchers.Count == 0;
}
