using Portal.Core.Users;

namespace Portal.Core.Departments;

public class Department
{
    public int Id { get; set; }

    /// <summary>Short code used in ticket numbers (IT-1042).</summary>
    public string Code { get; set; } = "";
    public string Name { get; set; } = "";
    public string Description { get; set; } = "";
    public bool IsActive { get; set; } = true;
    public string? HeadUserId { get; set; }
    public DeskUser? Head { get; set; }

    /// <summary>The number the next ticket of this department gets; a concurrency token.</summary>
    public int NextTicketNumber { get; set; } = 1;

    public List<Category> Categories { get; set; } = [];
    public List<Team> Teams { get; set; } = [];
}

public class Team
{
    public int Id { get; set; }
    public int DepartmentId { get; set; }
    public Department? Department { get; set; }
    public string Name { get; set; } = "";
    public List<TeamMember> Members { get; set; } = [];

    /// <summary>How tickets given to the team are handed to its members.</summary>
    public AssignmentMode AssignmentMode { get; set; }

    /// <summary>For round robin: who got the last ticket.</summary>
    public string? LastAssignedUserId { get; set; }
}

public class DepartmentMember
{
    public string UserId { get; set; } = "";
    public DeskUser? User { get; set; }
    public int DepartmentId { get; set; }
    public Department? Department { get; set; }
}

public class TeamMember
{
    public string UserId { get; set; } = "";
    public DeskUser? User { get; set; }
    public int TeamId { get; set; }
    public Team? Team { get; set; }
}

public class Category
{
    public int Id { get; set; }
    public int DepartmentId { get; set; }
    public Department? Department { get; set; }
    public string Name { get; set; } = "";
    public string Description { get; set; } = "";

    /// <summary>What the desk files under it by itself (complaints, catalog tasks, maintenance); General for an admin's own.</summary>
    public CategoryPurpose Purpose { get; set; }
    public bool IsActive { get; set; } = true;
    public List<CustomField> Fields { get; set; } = [];
}

/// <summary>
/// The categories the desk makes in a department for its own filings, one of each per department, found by purpose
/// (their names are only where they start; an admin may rename them).
/// </summary>
public enum CategoryPurpose
{
    General = 0,
    Complaints = 1,
    CatalogTasks = 2,
    Maintenance = 3,
}

public enum FieldKind
{
    Text,
    Number,
    Date,
    Choice,
    YesNo,
}

/// <summary>A custom field as the value rules see it: ticket categories and asset types both have them.</summary>
public interface IFieldDefinition
{
    int Id { get; }
    string Label { get; }
    FieldKind Kind { get; }
    bool Required { get; }
    IReadOnlyList<string> OptionList { get; }
}

public class CustomField : IFieldDefinition
{
    public int Id { get; set; }
    public int CategoryId { get; set; }
    public Category? Category { get; set; }
    public string Label { get; set; } = "";
    public FieldKind Kind { get; set; }
    public bool Required { get; set; }

    /// <summary>For Choice fields: the options, one per line.</summary>
    public string Options { get; set; } = "";
    public int SortOrder { get; set; }

    /// <summary>Shown to requesters on the form and the request page; agent-only fields are not.</summary>
    public bool VisibleToRequester { get; set; } = true;
    public bool IsActive { get; set; } = true;

    public IReadOnlyList<string> OptionList =>
        Options.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

public class TicketType
{
    public int Id { get; set; }

    /// <summary>What an admin calls the type; free text, shown and renamed at will. Behaviour keys on <see cref="Kind"/>.</summary>
    public string Name { get; set; } = "";

    /// <summary>The built-in role of the type, fixed when it is seeded; <see cref="TicketKind.Custom"/> for an admin's own.</summary>
    public TicketKind Kind { get; set; }
    public bool IsActive { get; set; } = true;
}

/// <summary>
/// The built-in ticket types that behaviour depends on (the default for a new request, the complaint rules, planned
/// maintenance). Each is seeded once with a name an admin may change; code finds the type by its kind, never by name.
/// </summary>
public enum TicketKind
{
    Custom = 0,
    Request = 1,
    Incident = 2,
    SecurityIncident = 3,
    ComplianceComplaint = 4,
    Complaint = 5,
    Maintenance = 6,
}

/// <summary>How a team hands out the tickets given to it.</summary>
public enum AssignmentMode
{
    Manual,
    RoundRobin,
    LeastOpen,
}
