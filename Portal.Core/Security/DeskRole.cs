namespace Portal.Core.Security;

/// <summary>Roles a user holds. Every employee is a requester; the others add to it.</summary>
[Flags]
public enum DeskRole
{
    Requester = 0,
    Agent = 1,
    Supervisor = 2,
    Admin = 4,
}
