namespace Portal.Core.Security;

/// <summary>
/// Who is acting, as the Core services see it: read from the database for every circuit or request,
/// so that a role or membership change takes effect without a new sign-in.
/// </summary>
public sealed record Actor(string UserId, string DisplayName, DeskRole Roles, IReadOnlySet<int> DepartmentIds)
{
    public bool IsAdmin => Roles.HasFlag(DeskRole.Admin);
    public bool IsAgent => Roles.HasFlag(DeskRole.Agent);
    public bool IsSupervisor => Roles.HasFlag(DeskRole.Supervisor);
    public bool IsAuditor => Roles.HasFlag(DeskRole.Auditor);

    /// <summary>May read the audit trail: admins and auditors.</summary>
    public bool CanReadAudit => IsAdmin || IsAuditor;

    /// <summary>Works a department's queue: an admin anywhere, agents and supervisors in their departments.</summary>
    public bool CanWorkIn(int departmentId) =>
        IsAdmin || ((IsAgent || IsSupervisor) && DepartmentIds.Contains(departmentId));

    public bool IsStaff => IsAdmin || IsAgent || IsSupervisor;

    /// <summary>Where the person acts from (an IP address), for the audit trail; null when unknown.</summary>
    public string? Source { get; init; }

    /// <summary>
    /// The account's security stamp when this person signed in (or when the actor was loaded). Every unit of work opened
    /// for this actor checks it against the database: deactivation, a role or department taken away, a new password
    /// and "Sign out everywhere" all change the stamp, so an open page acting with the old rights is refused at once.
    /// Null for actors that are not a signed-in person (the command line, tests that build one by hand).
    /// </summary>
    public string? Stamp { get; init; }
}
