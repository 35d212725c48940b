using Portal.Core.Tickets;
using Portal.Core.Handling;

namespace Portal.Features.Tickets;

/// <summary>The agent's unsaved edit of a ticket; survives a failed save and a conflict.</summary>
public sealed class TicketEditModel
{
    public TicketStatus Status { get; set; }
    public TicketPriority Priority { get; set; }
    public int CategoryId { get; set; }
    public int TypeId { get; set; }
    public string? AssigneeId { get; set; }
    public int? TeamId { get; set; }
    public Dictionary<int, string?> Fields { get; } = [];
    public List<string> Tags { get; } = [];

    public static TicketEditModel From(TicketDetails t)
    {
        var model = new TicketEditModel
        {
            Status = t.Status, Priority = t.Priority, CategoryId = t.CategoryId, TypeId = t.TypeId,
            AssigneeId = t.Assignee?.Id, TeamId = t.TeamId,
        };
        foreach (var f in t.Fields)
            model.Fields[f.FieldId] = f.Value;
        model.Tags.AddRange(t.Tags);
        return model;
    }

    public TicketEdit ToEdit() => new(Status, Priority, CategoryId, TypeId, AssigneeId, TeamId, new Dictionary<int, string?>(Fields), Tags.ToList());

    /// <summary>Where this edit and the ticket as it now stands differ, for the conflict explanation.</summary>
    public IReadOnlyList<string> DifferencesFrom(TicketDetails current)
    {
        var list = new List<string>();
        var now = From(current);
        if (now.Status != Status) list.Add($"Status is now {Display.Status(now.Status)}; yours: {Display.Status(Status)}");
        if (now.Priority != Priority) list.Add($"Priority is now {now.Priority}; yours: {Priority}");
        if (now.CategoryId != CategoryId) list.Add("Category differs");
        if (now.TypeId != TypeId) list.Add("Type differs");
        if (now.AssigneeId != AssigneeId) list.Add($"Assignee is now {current.Assignee?.Name ?? "nobody"}");
        if (now.TeamId != TeamId) list.Add($"Team is now {current.TeamName ?? "none"}");
        if (!now.Tags.SequenceEqual(Tags)) list.Add($"Tags are now {(current.Tags.Count == 0 ? "none" : string.Join(", ", current.Tags))}");
        foreach (var f in current.Fields)
        {
            var mine = Fields.GetValueOrDefault(f.FieldId);
            if (mine != f.Value)
                list.Add($"{f.Label} is now \"{f.Value}\"; yours: \"{mine}\"");
        }

        return list;
    }
}
