using Microsoft.AspNetCore.Identity;
using Portal.Core.Departments;
using Portal.Core.Security;

namespace Portal.Core.Users;

public class DeskUser : IdentityUser
{
    public string DisplayName { get; set; } = "";
    public DeskRole Roles { get; set; }
    public bool IsActive { get; set; } = true;

    /// <summary>Away agents are skipped by auto-assignment.</summary>
    public bool IsAway { get; set; }
    public string? ManagerId { get; set; }
    public DeskUser? Manager { get; set; }

    /// <summary>Comma-separated requester tags such as VIP.</summary>
    public string Tags { get; set; } = "";

    /// <summary>The Entra ID object id, when the user signs in through Entra ID.</summary>
    public string? ExternalObjectId { get; set; }

    /// <summary>An account for another system: it has no password, never signs in on a page, and acts only through its API tokens.</summary>
    public bool IsServiceAccount { get; set; }

    public List<DepartmentMember> Departments { get; set; } = [];
    public List<TeamMember> Teams { get; set; } = [];
}
