namespace Portal.Core.Security;

/// <summary>Roles a user holds. Every employee is a requester; the others add to it.</summary>
[Flags]
public enum DeskRole
{
    Requester = 0,
    Agent = 1,
    Supervisor = 2,
    Admin = 4,

    /// <summary>Reads the audit trail and the complaint register; changes nothing.</summary>
    Auditor = 8,
}
