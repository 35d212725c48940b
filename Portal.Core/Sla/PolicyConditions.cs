using Portal.Core.Tickets;

namespace Portal.Core.Sla;

/// <summary>What a policy applies to. Every list that is not empty must match; an empty list matches anything.</summary>
public sealed record PolicyConditions
{
    public List<int> Departments { get; init; } = [];
    public List<int> Categories { get; init; } = [];
    public List<int> Types { get; init; } = [];
    public List<TicketPriority> Priorities { get; init; } = [];

    /// <summary>The requester carries at least one of these tags (e.g. VIP).</summary>
    public List<string> RequesterTags { get; init; } = [];

    /// <summary>Custom field values the ticket must have (field id and value, case-insensitive).</summary>
    public List<FieldCondition> Fields { get; init; } = [];

    public bool IsEmpty => Departments.Count == 0 && Categories.Count == 0 && Types.Count == 0 && Priorities.Count == 0
        && RequesterTags.Count == 0 && Fields.Count == 0;

    public bool Matches(TicketFacts t) =>
        (Departments.Count == 0 || Departments.Contains(t.DepartmentId))
        && (Categories.Count == 0 || Categories.Contains(t.CategoryId))
        && (Types.Count == 0 || Types.Contains(t.TypeId))
        && (Priorities.Count == 0 || Priorities.Contains(t.Priority))
        && (RequesterTags.Count == 0 || RequesterTags.Any(tag => t.RequesterTags.Contains(tag, StringComparer.OrdinalIgnoreCase)))
        && Fields.All(f => t.Fields.TryGetValue(f.FieldId, out var v) && string.Equals(v, f.Value, StringComparison.OrdinalIgnoreCase));
}

public sealed record FieldCondition(int FieldId, string Value);

/// <summary>What policy matching looks at on a ticket.</summary>
public sealed record TicketFacts(int DepartmentId, int CategoryId, int TypeId, TicketPriority Priority,
    IReadOnlyCollection<string> RequesterTags, IReadOnlyDictionary<int, string> Fields);
