using System.Security.Claims;
using Portal.Core.Security;
using Portal.Core.Users;

namespace Portal.Security;

/// <summary>
/// How Entra ID claims become desk roles and departments: app roles (the "roles" claim) through
/// AzureAd:RoleMap, group ids (the "groups" claim) through AzureAd:GroupDepartments and AzureAd:GroupRoles.
/// </summary>
public sealed class EntraIdMappingOptions
{
    /// <summary>App role value to desk role name (Agent, Supervisor, Admin).</summary>
    public Dictionary<string, string> RoleMap { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Group object id to desk role name.</summary>
    public Dictionary<string, string> GroupRoles { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Group object id to department code (IT, HR, FAC).</summary>
    public Dictionary<string, string> GroupDepartments { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

public static class EntraIdMapping
{
    private const string ObjectIdClaim = "http://schemas.microsoft.com/identity/claims/objectidentifier";

    /// <summary>The identity to provision, or null when the sign-in lacks an object id or an email.</summary>
    public static ExternalIdentity? Map(ClaimsPrincipal principal, EntraIdMappingOptions options)
    {
        var oid = principal.FindFirstValue(ObjectIdClaim) ?? principal.FindFirstValue("oid");
        var email = principal.FindFirstValue("preferred_username") ?? principal.FindFirstValue(ClaimTypes.Email)
            ?? principal.FindFirstValue(ClaimTypes.Upn) ?? principal.FindFirstValue("email");
        if (string.IsNullOrEmpty(oid) || string.IsNullOrEmpty(email))
            return null;
        var name = principal.FindFirstValue("name") ?? principal.FindFirstValue(ClaimTypes.Name) ?? email;

        var roles = DeskRole.Requester;
        var appRoles = principal.FindAll(ClaimTypes.Role).Concat(principal.FindAll("roles")).Select(c => c.Value);
        foreach (var role in appRoles)
            roles |= Parse(options.RoleMap, role);
        var groups = principal.FindAll("groups").Select(c => c.Value).ToList();
        foreach (var group in groups)
            roles |= Parse(options.GroupRoles, group);
        var departments = groups.Where(options.GroupDepartments.ContainsKey)
            .Select(g => options.GroupDepartments[g]).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        return new ExternalIdentity(oid, email, name, roles, departments);
    }

    private static DeskRole Parse(Dictionary<string, string> map, string key) =>
        map.TryGetValue(key, out var name) && Enum.TryParse<DeskRole>(name, ignoreCase: true, out var role) ? role : DeskRole.Requester;
}
